/* Tests of vspace_tests.c and pager_tests.c, run in this order (see main.c). One X(name)
 * per test. */
#define VSPACE_TESTS(X)                                \
    /* vspace_tests.c: ABI (d), (e), (j), INVOCATIONS */ \
    X(vspace_page_map_errors)                          \
    X(vspace_page_table_map_errors)                    \
    X(vspace_illegal_labels)                           \
    X(vspace_remap_rights)                             \
    X(vspace_execute_never_uncached)                   \
    X(vspace_large_pages)                              \
    X(vspace_share_copied_frame)                       \
    X(vspace_replace_and_stale_unmap)                  \
    X(vspace_page_table_unmap)                         \
    X(vspace_copy_unmapped_tables)                     \
    X(vspace_cache_maintenance)                        \
    X(vspace_get_address)                              \
    X(vspace_asid_make_pool_assign)                    \
    X(vspace_asid_exhaustion)                          \
    X(vspace_stale_asid)                               \
    X(vspace_delete_in_use)                            \
    X(vspace_revoke_untyped_with_mappings)             \
    X(vspace_isolation)                                \
    /* pager_tests.c: own VSpaces, ABI (f) */           \
    X(pager_demand_paging)                             \
    X(pager_write_fault_upgrade)                       \
    X(pager_vm_fault_reply_label_ignored)              \
    X(pager_shared_memory_two_vspaces)                 \
    X(pager_vm_fault_no_handler)                       \
    X(fault_layout_user_exception_kinds)               \
    X(fault_layout_unknown_syscall_fields)             \
    X(fault_layout_cap_fault_lookup_failures)          \
    X(fault_no_handler_kinds)
