//===- CApiTest.cpp - Runs the C-language API scenario ----------*- C++ -*-===//
//
// Drives CApiTest.c, which uses the runtime purely through the C header.
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>

extern "C" int strataRunCApiScenario(void);

namespace {

TEST(CApi, UsableFromC) { EXPECT_EQ(strataRunCApiScenario(), 0); }

} // namespace
