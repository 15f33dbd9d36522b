/*
 * The CPIO archive of SOS's programs (built by apps/sos/app.mk), linked in read-only.
 * See archive.h.
 */
    .section .rodata.sos_archive, "a"
    .balign 16
    .global sos_archive_start
sos_archive_start:
    .incbin SOS_ARCHIVE_PATH
    .global sos_archive_end
sos_archive_end:

    .section .note.GNU-stack, "", %progbits
