/*
 * Keel libsel4: the boot information handed to the root task (ABI (g)).
 * Field offsets are checked against the generated KEEL_BI_OFF_* values.
 */
#pragma once

#include <sel4/types.h>

typedef struct seL4_SlotRegion {
    seL4_SlotPos start;   /* first slot of the region */
    seL4_SlotPos end;     /* first slot after the region */
} seL4_SlotRegion;

typedef struct seL4_UntypedDesc {
    seL4_Word paddr;
    seL4_Uint8 sizeBits;
    seL4_Uint8 isDevice;
    seL4_Uint8 padding[sizeof(seL4_Word) - 2 * sizeof(seL4_Uint8)];
} seL4_UntypedDesc;

typedef struct seL4_BootInfo {
    seL4_Word extraLen;                 /* bytes of extra bootinfo after this frame */
    seL4_NodeId nodeID;
    seL4_Word numNodes;
    seL4_Word numIOPTLevels;
    seL4_IPCBuffer *ipcBuffer;          /* the root task's IPC buffer */
    seL4_SlotRegion empty;              /* free slots in the root CNode */
    seL4_SlotRegion sharedFrames;
    seL4_SlotRegion userImageFrames;
    seL4_SlotRegion userImagePaging;
    seL4_SlotRegion ioSpaceCaps;
    seL4_SlotRegion extraBIPages;
    seL4_Word initThreadCNodeSizeBits;
    seL4_Domain initThreadDomain;
    seL4_SlotRegion schedcontrol;       /* SchedControl caps, one per core */
    seL4_SlotRegion untyped;            /* untyped caps, described by untypedList */
    seL4_UntypedDesc untypedList[KEEL_BI_UNTYPED_LIST_LEN];
} seL4_BootInfo;

/* Header of each chunk of extra bootinfo. */
typedef struct seL4_BootInfoHeader {
    seL4_Word id;    /* SEL4_BOOTINFO_HEADER_* */
    seL4_Word len;   /* bytes, including this header */
} seL4_BootInfoHeader;

#define KEEL_BI_AT_(field, name) \
    _Static_assert(__builtin_offsetof(seL4_BootInfo, field) == KEEL_BI_OFF_##name, "seL4_BootInfo." #field)
KEEL_BI_AT_(extraLen, extraLen);
KEEL_BI_AT_(nodeID, nodeID);
KEEL_BI_AT_(numNodes, numNodes);
KEEL_BI_AT_(numIOPTLevels, numIOPTLevels);
KEEL_BI_AT_(ipcBuffer, ipcBuffer);
KEEL_BI_AT_(empty, empty);
KEEL_BI_AT_(sharedFrames, sharedFrames);
KEEL_BI_AT_(userImageFrames, userImageFrames);
KEEL_BI_AT_(userImagePaging, userImagePaging);
KEEL_BI_AT_(ioSpaceCaps, ioSpaceCaps);
KEEL_BI_AT_(extraBIPages, extraBIPages);
KEEL_BI_AT_(initThreadCNodeSizeBits, initThreadCNodeSizeBits);
KEEL_BI_AT_(initThreadDomain, initThreadDomain);
KEEL_BI_AT_(schedcontrol, schedcontrol);
KEEL_BI_AT_(untyped, untyped);
KEEL_BI_AT_(untypedList, untypedList);
_Static_assert(sizeof(seL4_BootInfo) == KEEL_BI_SIZE, "seL4_BootInfo size");
_Static_assert(sizeof(seL4_SlotRegion) == KEEL_BI_SLOT_REGION_SIZE, "seL4_SlotRegion size");
_Static_assert(sizeof(seL4_UntypedDesc) == KEEL_UTDESC_SIZE, "seL4_UntypedDesc size");
_Static_assert(__builtin_offsetof(seL4_UntypedDesc, paddr) == KEEL_UTDESC_OFF_paddr, "UntypedDesc.paddr");
_Static_assert(__builtin_offsetof(seL4_UntypedDesc, sizeBits) == KEEL_UTDESC_OFF_sizeBits, "UntypedDesc.sizeBits");
_Static_assert(__builtin_offsetof(seL4_UntypedDesc, isDevice) == KEEL_UTDESC_OFF_isDevice, "UntypedDesc.isDevice");
_Static_assert(sizeof(seL4_BootInfoHeader) == KEEL_BI_HEADER_SIZE, "seL4_BootInfoHeader size");

/* The root task's bootinfo, recorded by the Keel runtime before main() runs
 * (NULL in processes that are not the root task). */
void seL4_InitBootInfo(seL4_BootInfo *bi);
seL4_BootInfo *seL4_GetBootInfo(void);
