/*
 * Keel user libc: formatted output.
 *
 * Supports flags "-+ #0", width and precision (also '*'), length modifiers
 * hh h l ll z j t, and conversions d i u o x X p c s %. Floating point is not
 * supported (prints "?").
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sel4/sel4.h>

struct keel_file {
    int unused;
};
static struct keel_file console_file;
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;

__attribute__((weak)) void __keel_putchar(int c)
{
    seL4_DebugPutChar((char)c);
}

typedef struct sink {
    void (*put)(struct sink *s, char c);
    char *buf;
    size_t size;
    size_t pos;    /* characters produced so far (the return value) */
} sink_t;

static void put_console(sink_t *s, char c)
{
    __keel_putchar((unsigned char)c);
    s->pos++;
}

static void put_buffer(sink_t *s, char c)
{
    if (s->size != 0 && s->pos < s->size - 1) {
        s->buf[s->pos] = c;
    }
    s->pos++;
}

static void put_repeat(sink_t *s, char c, int n)
{
    while (n-- > 0) {
        s->put(s, c);
    }
}

enum { F_LEFT = 1, F_PLUS = 2, F_SPACE = 4, F_ALT = 8, F_ZERO = 16 };

static void emit_number(sink_t *s, uintmax_t v, int negative, unsigned base, int upper,
                        int flags, int width, int prec, int is_pointer)
{
    char digits[72];
    int n = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int zero = v == 0;
    if (v == 0 && prec == 0) {
        /* nothing: "%.0d" of 0 prints no digits */
    } else {
        do {
            digits[n++] = set[v % base];
            v /= base;
        } while (v != 0);
    }
    char prefix[3];
    int np = 0;
    if (negative) {
        prefix[np++] = '-';
    } else if (flags & F_PLUS) {
        prefix[np++] = '+';
    } else if (flags & F_SPACE) {
        prefix[np++] = ' ';
    }
    if ((flags & F_ALT) || is_pointer) {
        if (base == 16 && (!zero || is_pointer)) {
            prefix[np++] = '0';
            prefix[np++] = upper ? 'X' : 'x';
        } else if (base == 8 && (n == 0 || digits[n - 1] != '0')) {
            if (prec <= n) {
                prec = n + 1;
            }
        }
    }
    int zeros = prec > n ? prec - n : 0;
    int len = np + zeros + n;
    int pad = width > len ? width - len : 0;
    if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!(flags & F_LEFT)) {
        put_repeat(s, ' ', pad);
    }
    for (int i = 0; i < np; i++) {
        s->put(s, prefix[i]);
    }
    put_repeat(s, '0', zeros);
    while (n > 0) {
        s->put(s, digits[--n]);
    }
    if (flags & F_LEFT) {
        put_repeat(s, ' ', pad);
    }
}

static int format(sink_t *s, const char *fmt, va_list ap)
{
    for (; *fmt != '\0'; fmt++) {
        if (*fmt != '%') {
            s->put(s, *fmt);
            continue;
        }
        const char *start = fmt;
        fmt++;
        int flags = 0;
        for (;; fmt++) {
            if (*fmt == '-') {
                flags |= F_LEFT;
            } else if (*fmt == '+') {
                flags |= F_PLUS;
            } else if (*fmt == ' ') {
                flags |= F_SPACE;
            } else if (*fmt == '#') {
                flags |= F_ALT;
            } else if (*fmt == '0') {
                flags |= F_ZERO;
            } else {
                break;
            }
        }
        int width = 0;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9') {
                width = width * 10 + (*fmt++ - '0');
            }
        }
        int prec = -1;
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9') {
                    prec = prec * 10 + (*fmt++ - '0');
                }
            }
        }
        int lmod = 0;   /* 0 int, 1 char, 2 short, 3 long, 4 long long, 5 size/ptrdiff/intmax */
        if (*fmt == 'h') {
            fmt++;
            lmod = 2;
            if (*fmt == 'h') {
                fmt++;
                lmod = 1;
            }
        } else if (*fmt == 'l') {
            fmt++;
            lmod = 3;
            if (*fmt == 'l') {
                fmt++;
                lmod = 4;
            }
        } else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') {
            fmt++;
            lmod = 5;
        }
        char conv = *fmt;
        switch (conv) {
        case 'd':
        case 'i': {
            intmax_t v;
            switch (lmod) {
            case 1: v = (signed char)va_arg(ap, int); break;
            case 2: v = (short)va_arg(ap, int); break;
            case 3: v = va_arg(ap, long); break;
            case 4: v = va_arg(ap, long long); break;
            case 5: v = va_arg(ap, intmax_t); break;
            default: v = va_arg(ap, int); break;
            }
            uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            emit_number(s, mag, v < 0, 10, 0, flags, width, prec, 0);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            uintmax_t v;
            switch (lmod) {
            case 1: v = (unsigned char)va_arg(ap, unsigned); break;
            case 2: v = (unsigned short)va_arg(ap, unsigned); break;
            case 3: v = va_arg(ap, unsigned long); break;
            case 4: v = va_arg(ap, unsigned long long); break;
            case 5: v = va_arg(ap, uintmax_t); break;
            default: v = va_arg(ap, unsigned); break;
            }
            unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            emit_number(s, v, 0, base, conv == 'X', flags & ~(F_PLUS | F_SPACE), width, prec, 0);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            emit_number(s, v, 0, 16, 0, flags & ~(F_PLUS | F_SPACE), width, prec, 1);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!(flags & F_LEFT)) {
                put_repeat(s, ' ', width - 1);
            }
            s->put(s, c);
            if (flags & F_LEFT) {
                put_repeat(s, ' ', width - 1);
            }
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (str == NULL) {
                str = "(null)";
            }
            int len = 0;
            while (str[len] != '\0' && (prec < 0 || len < prec)) {
                len++;
            }
            if (!(flags & F_LEFT)) {
                put_repeat(s, ' ', width - len);
            }
            for (int i = 0; i < len; i++) {
                s->put(s, str[i]);
            }
            if (flags & F_LEFT) {
                put_repeat(s, ' ', width - len);
            }
            break;
        }
        case '%':
            s->put(s, '%');
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            (void)va_arg(ap, double);
            s->put(s, '?');
            break;
        case '\0':
            fmt--;   /* lone '%' at the end: print it, stop */
            s->put(s, '%');
            break;
        default:
            /* unknown conversion: print it literally */
            for (const char *p = start; p <= fmt; p++) {
                s->put(s, *p);
            }
            break;
        }
    }
    return (int)s->pos;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    sink_t s = { put_buffer, buf, size, 0 };
    int n = format(&s, fmt, ap);
    if (size != 0) {
        buf[s.pos < size ? s.pos : size - 1] = '\0';
    }
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
    return vsnprintf(buf, SIZE_MAX, fmt, ap);
}

int sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    sink_t s = { put_console, NULL, 0, 0 };
    return format(&s, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    (void)f;
    return vprintf(fmt, ap);
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int putchar(int c)
{
    __keel_putchar((unsigned char)c);
    return (unsigned char)c;
}

int fputc(int c, FILE *f)
{
    (void)f;
    return putchar(c);
}

int putc(int c, FILE *f)
{
    return fputc(c, f);
}

int fputs(const char *str, FILE *f)
{
    (void)f;
    while (*str != '\0') {
        __keel_putchar((unsigned char)*str++);
    }
    return 0;
}

int puts(const char *str)
{
    fputs(str, stdout);
    __keel_putchar('\n');
    return 0;
}

int fflush(FILE *f)
{
    (void)f;
    return 0;
}
