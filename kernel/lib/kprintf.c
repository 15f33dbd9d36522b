/*
 * kprintf and friends: a small printf for the kernel console and for string buffers.
 *
 * One formatter (format()) writes through a "sink": either the console or a bounded
 * buffer. Portable C; the console is reached through plat_console_putchar().
 */
#include <keel/kernel.h>
#include <keel/arch_api.h>

struct sink {
    char  *buf;      /* NULL: write to the console */
    size_t size;     /* capacity of buf, including the terminating NUL */
    size_t count;    /* characters produced so far (even those that did not fit) */
};

static void put(struct sink *s, char c)
{
    if (s->buf == NULL) {
        if (c == '\n')
            plat_console_putchar('\r');
        plat_console_putchar(c);
    } else if (s->count + 1 < s->size) {
        s->buf[s->count] = c;
    }
    s->count++;
}

static void put_repeated(struct sink *s, char c, int n)
{
    while (n-- > 0)
        put(s, c);
}

/* One conversion's flags and width. */
struct spec {
    bool left;       /* '-' */
    bool zero;       /* '0' */
    int  width;
};

/* Emit 'len' characters of 'str' padded to the field width. */
static void put_field(struct sink *s, const struct spec *sp, const char *str, int len)
{
    int pad = sp->width > len ? sp->width - len : 0;

    if (!sp->left)
        put_repeated(s, ' ', pad);
    for (int i = 0; i < len; i++)
        put(s, str[i]);
    if (sp->left)
        put_repeated(s, ' ', pad);
}

/* Emit an unsigned number with an optional sign or "0x" prefix. */
static void put_number(struct sink *s, const struct spec *sp, uint64_t v, unsigned base,
                       bool upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0);

    int plen = (int)strlen(prefix);
    int pad = sp->width > n + plen ? sp->width - n - plen : 0;

    if (!sp->left && !sp->zero)
        put_repeated(s, ' ', pad);
    for (int i = 0; i < plen; i++)
        put(s, prefix[i]);
    if (!sp->left && sp->zero)
        put_repeated(s, '0', pad);
    while (n > 0)
        put(s, tmp[--n]);
    if (sp->left)
        put_repeated(s, ' ', pad);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static enum length parse_length(const char **fmt)
{
    const char *f = *fmt;
    enum length len = LEN_INT;

    if (f[0] == 'h' && f[1] == 'h')      { len = LEN_CHAR;  f += 2; }
    else if (f[0] == 'h')                { len = LEN_SHORT; f += 1; }
    else if (f[0] == 'l' && f[1] == 'l') { len = LEN_LLONG; f += 2; }
    else if (f[0] == 'l')                { len = LEN_LONG;  f += 1; }
    else if (f[0] == 'z' || f[0] == 't' || f[0] == 'j') { len = LEN_SIZE; f += 1; }
    *fmt = f;
    return len;
}

static uint64_t arg_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR:  return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG:  return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE:  return va_arg(*ap, size_t);
    default:        return va_arg(*ap, unsigned int);
    }
}

static int64_t arg_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR:  return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG:  return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE:  return va_arg(*ap, ptrdiff_t);
    default:        return va_arg(*ap, int);
    }
}

/* Read flags and width after the '%'; advances *fmt. */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
    const char *f = *fmt;

    *sp = (struct spec){ 0 };
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    *fmt = f;
}

/* Handle one conversion character 'c'. */
static void convert(struct sink *s, char c, const struct spec *sp, enum length len,
                    va_list *ap)
{
    switch (c) {
    case 'd':
    case 'i': {
        int64_t v = arg_signed(ap, len);
        uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
        put_number(s, sp, mag, 10, false, v < 0 ? "-" : "");
        break;
    }
    case 'u':
        put_number(s, sp, arg_unsigned(ap, len), 10, false, "");
        break;
    case 'x':
    case 'X':
        put_number(s, sp, arg_unsigned(ap, len), 16, c == 'X', "");
        break;
    case 'p':
        put_number(s, sp, (uintptr_t)va_arg(*ap, void *), 16, false, "0x");
        break;
    case 'c': {
        char ch = (char)va_arg(*ap, int);
        put_field(s, sp, &ch, 1);
        break;
    }
    case 's': {
        const char *str = va_arg(*ap, const char *);
        if (str == NULL)
            str = "(null)";
        put_field(s, sp, str, (int)strlen(str));
        break;
    }
    case '%':
        put(s, '%');
        break;
    default:            /* unknown conversion: show it literally */
        put(s, '%');
        put(s, c);
        break;
    }
}

static void format(struct sink *s, const char *fmt, va_list ap_in)
{
    va_list ap;
    va_copy(ap, ap_in);

    while (*fmt != '\0') {
        if (*fmt != '%') {
            put(s, *fmt++);
            continue;
        }
        fmt++;
        struct spec sp;
        parse_spec(&fmt, &ap, &sp);
        enum length len = parse_length(&fmt);
        if (*fmt == '\0')
            break;
        convert(s, *fmt++, &sp, len, &ap);
    }
    va_end(ap);
}

int kvprintf(const char *fmt, va_list ap)
{
    struct sink s = { .buf = NULL };
    format(&s, fmt, ap);
    return (int)s.count;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = { .buf = buf, .size = size };
    format(&s, fmt, ap);
    if (size > 0)
        buf[s.count < size ? s.count : size - 1] = '\0';
    return (int)s.count;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
