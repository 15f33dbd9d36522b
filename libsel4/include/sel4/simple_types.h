/* Keel libsel4: fixed-size integer types (AArch64, LP64). */
#pragma once

typedef signed char         seL4_Int8;
typedef short               seL4_Int16;
typedef int                 seL4_Int32;
typedef long                seL4_Int64;
typedef unsigned char       seL4_Uint8;
typedef unsigned short      seL4_Uint16;
typedef unsigned int        seL4_Uint32;
typedef unsigned long       seL4_Uint64;

typedef seL4_Int8           seL4_Bool;
#define seL4_True  1
#define seL4_False 0

typedef seL4_Uint64         seL4_Word;
typedef seL4_Int64          seL4_SWord;
typedef seL4_Word           seL4_CPtr;
typedef seL4_Uint64         seL4_Time;     /* microseconds at the API (MCS) */
typedef seL4_Word           seL4_NodeId;
typedef seL4_Word           seL4_PAddr;
typedef seL4_Word           seL4_Domain;   /* a domain number */

#define SEL4_WORD_IS_UINT64
#define SEL4_INT64_IS_LONG
#define _seL4_word_fmt      l
#define SEL4_PRId_word      "ld"
#define SEL4_PRIu_word      "lu"
#define SEL4_PRIx_word      "lx"
#define SEL4_PRIX_word      "lX"
#define SEL4_PRI_word       SEL4_PRIu_word

_Static_assert(sizeof(seL4_Word) == 8, "seL4_Word is one 64-bit word");
_Static_assert(sizeof(seL4_Uint32) == 4, "seL4_Uint32");
_Static_assert(sizeof(seL4_Uint16) == 2, "seL4_Uint16");
