/*
 * The CPIO archive of programs linked into SOS (apps/sos/archive.S).
 */
#pragma once

extern const char sos_archive_start[];
extern const char sos_archive_end[];
