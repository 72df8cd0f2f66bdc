;; Float64 kernels for the LU route of `lu-extremes.ts`, with 128-bit SIMD (two doubles per
;; instruction). Hand-written so that no toolchain is needed at run time: the binary is
;; assembled once by `scripts/build-f64-kernels.mjs` (wabt) into `f64-kernels.ts`, and
;; `test/eval/lu-extremes.test.ts` checks that the committed bytes match this source.
;; Why wasm: the same loops in JavaScript run at ~0.7 GFLOP/s here, these at ~3 (measured on
;; a 392x392 LU, see the module header of lu-extremes.ts).
;; Addresses are byte offsets into the exported memory; matrices are column-major.
(module
  (memory (export "memory") 1)

  ;; LU trailing update after pivot k of the n x n matrix at $a (multipliers already stored in
  ;; column k below the diagonal): for every column j > k, A[k+1.., j] -= A[k+1.., k] * A[k, j].
  (func (export "update") (param $a i32) (param $n i32) (param $k i32)
    (local $j i32) (local $colk i32) (local $colj i32) (local $f f64) (local $fv v128)
    (local $p i32) (local $q i32) (local $end i32) (local $vend i32)
    (local.set $colk (i32.add (local.get $a) (i32.shl (i32.mul (local.get $k) (local.get $n)) (i32.const 3))))
    (local.set $j (i32.add (local.get $k) (i32.const 1)))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $colj (i32.add (local.get $a) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 3))))
        (local.set $f (f64.load (i32.add (local.get $colj) (i32.shl (local.get $k) (i32.const 3)))))
        (if (f64.ne (local.get $f) (f64.const 0))
          (then
            (local.set $fv (f64x2.splat (local.get $f)))
            ;; p walks A[k+1.., k], q walks A[k+1.., j]; end = one past A[n-1, j]
            (local.set $p (i32.add (local.get $colk) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 3))))
            (local.set $q (i32.add (local.get $colj) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 3))))
            (local.set $end (i32.add (local.get $colj) (i32.shl (local.get $n) (i32.const 3))))
            (local.set $vend (i32.sub (local.get $end) (i32.const 8)))
            (block $vdone
              (loop $vloop
                (br_if $vdone (i32.ge_u (local.get $q) (local.get $vend)))
                (v128.store (local.get $q)
                  (f64x2.sub (v128.load (local.get $q)) (f64x2.mul (v128.load (local.get $p)) (local.get $fv))))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (br $vloop)))
            (if (i32.lt_u (local.get $q) (local.get $end))
              (then
                (f64.store (local.get $q)
                  (f64.sub (f64.load (local.get $q)) (f64.mul (f64.load (local.get $p)) (local.get $f))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop))))

  ;; y[0..len) += alpha * x[0..len)
  (func (export "axpy") (param $x i32) (param $y i32) (param $len i32) (param $alpha f64)
    (local $av v128) (local $end i32) (local $vend i32)
    (local.set $av (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $len) (i32.const 3))))
    (local.set $vend (i32.sub (local.get $end) (i32.const 8)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $y) (local.get $vend)))
        (v128.store (local.get $y)
          (f64x2.add (v128.load (local.get $y)) (f64x2.mul (v128.load (local.get $x)) (local.get $av))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $vloop)))
    (if (i32.lt_u (local.get $y) (local.get $end))
      (then
        (f64.store (local.get $y)
          (f64.add (f64.load (local.get $y)) (f64.mul (f64.load (local.get $x)) (local.get $alpha)))))))

  ;; Σ x[i]·y[i] over [0, len), two interleaved partial sums
  (func (export "dot") (param $x i32) (param $y i32) (param $len i32) (result f64)
    (local $acc v128) (local $end i32) (local $vend i32) (local $s f64)
    (local.set $acc (v128.const f64x2 0 0))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $len) (i32.const 3))))
    (local.set $vend (i32.sub (local.get $end) (i32.const 8)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $y) (local.get $vend)))
        (local.set $acc
          (f64x2.add (local.get $acc) (f64x2.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $vloop)))
    (local.set $s
      (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (if (i32.lt_u (local.get $y) (local.get $end))
      (then
        (local.set $s
          (f64.add (local.get $s) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))))
    (local.get $s)))
