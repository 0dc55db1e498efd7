#pragma once
// One Highway-dispatched entry point per element type, for the HWY_ONCE part of a
// kernel's translation unit: HWY_EXPORT of the kernel's float and double versions,
// and an overloaded `name` that runs a Job<float> or Job<double> through the
// version compiled for the best target this CPU supports.
#include <hwy/highway.h>

#define GRADREF_DISPATCH_FLOAT_DOUBLE(name, Job, float_kernel, double_kernel)     \
  HWY_EXPORT(float_kernel);                                                       \
  HWY_EXPORT(double_kernel);                                                      \
  void name(const Job<float>& job) { HWY_DYNAMIC_DISPATCH(float_kernel)(job); }   \
  void name(const Job<double>& job) { HWY_DYNAMIC_DISPATCH(double_kernel)(job); }
