include tests/fuzz/fuzz.mk
