# CPU compute kernels (core/cpu): conversions, vector helpers, ThreadPool, matmul on every dtype
# and ISA level against double-precision references.
qe_add_test(test_cpu_kernels SOURCES test_cpu_kernels.cpp LIBS qe_cpu_kernels LABELS core)
set_target_properties(test_cpu_kernels PROPERTIES AUTOMOC ON)
