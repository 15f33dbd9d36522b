/* Keel user libc: console output only. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

/* There is a single output stream, the console; stdout and stderr both name it. */
typedef struct keel_file FILE;
extern FILE *const stdout;
extern FILE *const stderr;

int putchar(int c);
int puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int vsprintf(char *buf, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
int fputs(const char *s, FILE *f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int fflush(FILE *f);

/*
 * Every character printed goes through __keel_putchar(). The default (weak)
 * definition writes it to the kernel console with seL4_DebugPutChar; a program can
 * supply its own definition, e.g. to send output to a terminal server.
 */
void __keel_putchar(int c);
