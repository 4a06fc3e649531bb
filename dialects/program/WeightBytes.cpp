//===- WeightBytes.cpp - The bytes a weight's attribute holds -------------===//

#include "dialects/program/WeightBytes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace strata::program {

LogicalResult readWeightBytes(Attribute value, WeightBytes &bytes) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return failure();
    bytes.data = blob->getData();
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return failure();
  bytes.data = dense.getRawData();
  if (!dense.isSplat())
    return success();
  bytes.expanded.clear();
  for (int64_t i = 0, e = dense.getNumElements(); i < e; ++i)
    bytes.expanded.insert(bytes.expanded.end(), bytes.data.begin(), bytes.data.end());
  bytes.data = bytes.expanded;
  return success();
}

} // namespace strata::program
