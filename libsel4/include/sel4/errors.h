/* seL4_Error and the lookup-failure types (generated, see <keel/abi_gen.h>). */
#pragma once
#include <sel4/constants.h>
