# The demo root task (booted by `make run` until SOS exists).
$(eval $(call keel_user_app,demo,apps/demo/main.c,))
