// kernels/device_kernels.cu compiled as plain C++ for the CPU emulator (cuda_emu.h is
// force-included by CMake, so the kernel source needs no change).
#include "kernels/device_kernels.cu"
