/*
 * sosh: the SOS shell. Reads a command line from the console and runs it; anything that
 * is not a built-in command is the name of a program in SOS's archive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sosapi/sosapi.h>

#define LINE_MAX  128
#define MAX_ARGS  8

static void cmd_help(void)
{
    printf("commands:\n"
           "  ls            list the programs\n"
           "  exec <prog>   run a program and wait for it (or just: <prog>)\n"
           "  time          time since boot\n"
           "  sleep <ms>    sleep for <ms> milliseconds\n"
           "  help          this list\n");
}

static void cmd_ls(void)
{
    char name[64];
    size_t size;
    for (unsigned i = 0; sos_list(i, name, sizeof(name), &size) == 0; i++) {
        printf("  %-12s %8lu bytes\n", name, (unsigned long)size);
    }
}

static void cmd_time(void)
{
    uint64_t us = sos_time_us();
    printf("time since boot: %lu.%06lu s\n", (unsigned long)(us / 1000000),
           (unsigned long)(us % 1000000));
}

static void cmd_sleep(const char *arg)
{
    char *end;
    long ms = arg != NULL ? strtol(arg, &end, 10) : -1;
    if (arg == NULL || *end != '\0' || ms < 0) {
        printf("usage: sleep <milliseconds>\n");
        return;
    }
    uint64_t start = sos_time_us();
    sos_sleep((unsigned long)ms);
    printf("sleep: woke up after %lu ms\n", (unsigned long)((sos_time_us() - start) / 1000));
}

static void run(const char *prog)
{
    int pid = sos_spawn(prog);
    if (pid < 0) {
        printf("%s: no such program (try ls)\n", prog);
        return;
    }
    int status;
    if (sos_wait(pid, &status) != pid) {
        printf("sosh: lost process %d\n", pid);
    } else if (status == SOS_STATUS_KILLED) {
        printf("[%s (pid %d) was killed]\n", prog, pid);
    } else if (status != 0) {
        printf("[%s (pid %d) exited with status %d]\n", prog, pid, status);
    }
}

/* Split line into words in place; returns how many. */
static int split(char *line, char *argv[MAX_ARGS])
{
    int argc = 0;
    char *p = line;
    while (argc < MAX_ARGS) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t') {
            p++;
        }
        if (*p != '\0') {
            *p++ = '\0';
        }
    }
    return argc;
}

int main(void)
{
    printf("\nSOS shell (pid %d). Type 'help' for the commands.\n", sos_getpid());
    for (;;) {
        char line[LINE_MAX];
        printf("sos$ ");
        long n = sos_read(line, sizeof(line) - 1);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            n--;
        }
        line[n] = '\0';

        char *argv[MAX_ARGS];
        int argc = split(line, argv);
        if (argc == 0) {
            continue;
        }
        if (strcmp(argv[0], "help") == 0) {
            cmd_help();
        } else if (strcmp(argv[0], "ls") == 0) {
            cmd_ls();
        } else if (strcmp(argv[0], "time") == 0) {
            cmd_time();
        } else if (strcmp(argv[0], "sleep") == 0) {
            cmd_sleep(argc > 1 ? argv[1] : NULL);
        } else if (strcmp(argv[0], "exec") == 0) {
            if (argc > 1) {
                run(argv[1]);
            } else {
                printf("usage: exec <program>\n");
            }
        } else {
            run(argv[0]);
        }
    }
}
