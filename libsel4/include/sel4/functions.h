/*
 * Keel libsel4: access to the calling thread's IPC buffer.
 *
 * The buffer address is kept in the thread-local variable __sel4_ipc_buffer
 * (defined by the Keel user runtime, libs/crt). The runtime sets it at start-up;
 * threads created later must call seL4_SetIPCBuffer() first thing.
 */
#pragma once

#include <sel4/types.h>

extern __thread seL4_IPCBuffer *__sel4_ipc_buffer;

LIBSEL4_INLINE_FUNC void seL4_SetIPCBuffer(seL4_IPCBuffer *ipc_buffer)
{
    __sel4_ipc_buffer = ipc_buffer;
}

LIBSEL4_INLINE_FUNC seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
    return __sel4_ipc_buffer;
}

LIBSEL4_INLINE_FUNC seL4_Word seL4_GetMR(int i)
{
    return seL4_GetIPCBuffer()->msg[i];
}

LIBSEL4_INLINE_FUNC void seL4_SetMR(int i, seL4_Word mr)
{
    seL4_GetIPCBuffer()->msg[i] = mr;
}

LIBSEL4_INLINE_FUNC seL4_Word seL4_GetUserData(void)
{
    return seL4_GetIPCBuffer()->userData;
}

LIBSEL4_INLINE_FUNC void seL4_SetUserData(seL4_Word data)
{
    seL4_GetIPCBuffer()->userData = data;
}

/* Badge of the i-th received cap that was unwrapped (see msginfo.capsUnwrapped). */
LIBSEL4_INLINE_FUNC seL4_Word seL4_GetBadge(int i)
{
    return seL4_GetIPCBuffer()->caps_or_badges[i];
}

LIBSEL4_INLINE_FUNC seL4_CPtr seL4_GetCap(int i)
{
    return (seL4_CPtr)seL4_GetIPCBuffer()->caps_or_badges[i];
}

/* Extra cap i of the next message sent. */
LIBSEL4_INLINE_FUNC void seL4_SetCap(int i, seL4_CPtr cptr)
{
    seL4_GetIPCBuffer()->caps_or_badges[i] = (seL4_Word)cptr;
}

LIBSEL4_INLINE_FUNC void seL4_GetCapReceivePath(seL4_CPtr *receiveCNode, seL4_CPtr *receiveIndex,
                                                seL4_Word *receiveDepth)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    if (receiveCNode != seL4_Null) {
        *receiveCNode = b->receiveCNode;
    }
    if (receiveIndex != seL4_Null) {
        *receiveIndex = b->receiveIndex;
    }
    if (receiveDepth != seL4_Null) {
        *receiveDepth = b->receiveDepth;
    }
}

/* Where a received cap goes: slot (receiveIndex, receiveDepth) of receiveCNode. */
LIBSEL4_INLINE_FUNC void seL4_SetCapReceivePath(seL4_CPtr receiveCNode, seL4_CPtr receiveIndex,
                                                seL4_Word receiveDepth)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    b->receiveCNode = receiveCNode;
    b->receiveIndex = receiveIndex;
    b->receiveDepth = receiveDepth;
}
