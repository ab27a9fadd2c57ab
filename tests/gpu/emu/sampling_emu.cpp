// kernels/sampling.cu compiled as plain C++ for the CPU emulator (cuda_emu.h is force-included).
#include "kernels/sampling.cu"
