/* seL4 programs include <autoconf.h> for the CONFIG_* switches. */
#pragma once
#include <sel4/config.h>
