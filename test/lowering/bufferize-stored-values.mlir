// RUN: strata-opt %s --strata-bufferize | FileCheck %s

// A value stored into a mutable global and also returned: the store stores a
// copy, filled from the value's buffer, and the function returns the value's
// own buffer. (Upstream's model of the store says it writes its operand
// without reading it; One-Shot then gave the store an uninitialised buffer.)
// CHECK-LABEL: func.func @stored_and_returned
// CHECK: %[[PRODUCT:.+]] = memref.alloc()
// CHECK: linalg.mul ins(%{{.+}}, %{{.+}} : memref<4xf32>, memref<4xf32>) outs(%[[PRODUCT]]
// CHECK: %[[COPY:.+]] = memref.alloc()
// CHECK: memref.copy %[[PRODUCT]], %[[COPY]]
// CHECK: %[[GLOBAL:.+]] = memref.get_global @s
// CHECK: memref.copy %[[COPY]], %[[GLOBAL]]
// CHECK: return %[[PRODUCT]]
ml_program.global private mutable @s(dense<2.0> : tensor<4xf32>) : tensor<4xf32>
func.func @stored_and_returned(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = ml_program.global_load @s : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %m = linalg.mul ins(%s, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  ml_program.global_store @s = %m : tensor<4xf32>
  return %m : tensor<4xf32>
}

// A value only stored is stored from its own buffer.
// CHECK-LABEL: func.func @stored
// CHECK: %[[PRODUCT:.+]] = memref.alloc()
// CHECK: linalg.mul {{.*}} outs(%[[PRODUCT]]
// CHECK-NOT: memref.alloc
// CHECK: %[[GLOBAL:.+]] = memref.get_global @s
// CHECK: memref.copy %[[PRODUCT]], %[[GLOBAL]]
func.func @stored(%x: tensor<4xf32>) {
  %s = ml_program.global_load @s : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %m = linalg.mul ins(%s, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  ml_program.global_store @s = %m : tensor<4xf32>
  return
}

// A global stored into another, and a slice stored while its tensor is
// returned: both store copies filled from the source.
// CHECK-LABEL: func.func @stored_load
// CHECK: %[[T:.+]] = memref.get_global @t
// CHECK: %[[COPY:.+]] = memref.alloc()
// CHECK: memref.copy %[[T]], %[[COPY]]
// CHECK: %[[S:.+]] = memref.get_global @s
// CHECK: memref.copy %[[COPY]], %[[S]]
ml_program.global private mutable @t(dense<3.0> : tensor<4xf32>) : tensor<4xf32>
func.func @stored_load() {
  %t = ml_program.global_load @t : tensor<4xf32>
  ml_program.global_store @s = %t : tensor<4xf32>
  return
}

// CHECK-LABEL: func.func @stored_slice
// CHECK: %[[PRODUCT:.+]] = memref.alloc()
// CHECK: linalg.mul {{.*}} outs(%[[PRODUCT]]
// CHECK: %[[SLICE:.+]] = memref.subview %[[PRODUCT]][0] [2] [1]
// CHECK: %[[COPY:.+]] = memref.alloc()
// CHECK: memref.copy %[[SLICE]], %[[COPY]]
// CHECK: %[[U:.+]] = memref.get_global @u
// CHECK: memref.copy %[[COPY]], %[[U]]
// CHECK: return %[[PRODUCT]]
ml_program.global private mutable @u(dense<0.0> : tensor<2xf32>) : tensor<2xf32>
func.func @stored_slice(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = ml_program.global_load @s : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %m = linalg.mul ins(%s, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %v = tensor.extract_slice %m[0] [2] [1] : tensor<4xf32> to tensor<2xf32>
  ml_program.global_store @u = %v : tensor<2xf32>
  return %m : tensor<4xf32>
}
