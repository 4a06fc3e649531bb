//===- stratac.cpp - The Strata compiler command line ---------------------===//
//
// Thin main: everything happens in lib/driver.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/Driver.h"

int main(int argc, char **argv) { return strata::runStratac(argc, argv); }
