;; Float64 kernels for the LU route of `lu-extremes.ts`, with 128-bit SIMD (two doubles per
;; instruction). Hand-written so that no toolchain is needed at run time: the binary is
;; assembled once by `scripts/build-f64-kernels.mjs` (wabt) into `f64-kernels.ts`, and
;; `test/eval/lu-extremes.test.ts` checks that the committed bytes match this source.
;; Why wasm: the same loops in JavaScript run at ~0.7 GFLOP/s here, these at ~3 (measured on
;; a 392x392 LU, see the module header of lu-extremes.ts).
;; Addresses are byte offsets into the exported memory; matrices are column-major.
(module
  (memory (export "memory") 1)

  ;; The LU trailing update after the two pivots k and k+1 at once (multipliers stored in columns
  ;; k and k+1 below their diagonals, column k+1 already updated by pivot k): for every column
  ;; j > k+1, b = A[k+1, j] − A[k+1, k]·A[k, j] (row k+1 meets pivot k first), then
  ;; A[k+2.., j] −= A[k+2.., k]·A[k, j] + A[k+2.., k+1]·b. One pass over the trailing matrix
  ;; per two pivots: half the loads and stores of two rank-1 updates (the update is bound by
  ;; memory traffic, not arithmetic).
  (func (export "update2") (param $a i32) (param $n i32) (param $k i32)
    (local $j i32) (local $colk i32) (local $colk1 i32) (local $colj i32) (local $fa f64) (local $fb f64)
    (local $va v128) (local $vb v128) (local $o i32) (local $end i32) (local $vend i32)
    (local.set $colk (i32.add (local.get $a) (i32.shl (i32.mul (local.get $k) (local.get $n)) (i32.const 3))))
    (local.set $colk1 (i32.add (local.get $colk) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $j (i32.add (local.get $k) (i32.const 2)))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $colj (i32.add (local.get $a) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 3))))
        (local.set $fa (f64.load (i32.add (local.get $colj) (i32.shl (local.get $k) (i32.const 3)))))
        ;; b = A[k+1, j] − L[k+1, k]·a, stored back (it is U[k+1, j])
        (local.set $o (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 3)))
        (local.set $fb (f64.sub (f64.load (i32.add (local.get $colj) (local.get $o)))
          (f64.mul (f64.load (i32.add (local.get $colk) (local.get $o))) (local.get $fa))))
        (f64.store (i32.add (local.get $colj) (local.get $o)) (local.get $fb))
        (if (i32.or (f64.ne (local.get $fa) (f64.const 0)) (f64.ne (local.get $fb) (f64.const 0)))
          (then
            (local.set $va (f64x2.splat (local.get $fa)))
            (local.set $vb (f64x2.splat (local.get $fb)))
            ;; $o: byte offset of row k+2 within a column; pairs of rows, then an odd last row
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (local.set $end (i32.shl (local.get $n) (i32.const 3)))
            (local.set $vend (i32.sub (local.get $end) (i32.const 8)))
            (block $vdone
              (loop $vloop
                (br_if $vdone (i32.ge_s (local.get $o) (local.get $vend)))
                (v128.store (i32.add (local.get $colj) (local.get $o))
                  (f64x2.sub (v128.load (i32.add (local.get $colj) (local.get $o)))
                    (f64x2.add
                      (f64x2.mul (v128.load (i32.add (local.get $colk) (local.get $o))) (local.get $va))
                      (f64x2.mul (v128.load (i32.add (local.get $colk1) (local.get $o))) (local.get $vb)))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $vloop)))
            (if (i32.lt_s (local.get $o) (local.get $end))
              (then
                (f64.store (i32.add (local.get $colj) (local.get $o))
                  (f64.sub (f64.load (i32.add (local.get $colj) (local.get $o)))
                    (f64.add
                      (f64.mul (f64.load (i32.add (local.get $colk) (local.get $o))) (local.get $fa))
                      (f64.mul (f64.load (i32.add (local.get $colk1) (local.get $o))) (local.get $fb)))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop))))

  ;; y[0..len) += alpha * x[0..len): 4 doubles per iteration, then 2, then 1 (counted down in
  ;; $len: an address bound end − 8 would wrap below zero for an empty vector at offset 0)
  (func $axpy (export "axpy") (param $x i32) (param $y i32) (param $len i32) (param $alpha f64)
    (local $av v128)
    (local.set $av (f64x2.splat (local.get $alpha)))
    (block $udone
      (loop $uloop
        (br_if $udone (i32.lt_u (local.get $len) (i32.const 4)))
        (local.set $len (i32.sub (local.get $len) (i32.const 4)))
        (v128.store (local.get $y)
          (f64x2.add (v128.load (local.get $y)) (f64x2.mul (v128.load (local.get $x)) (local.get $av))))
        (v128.store offset=16 (local.get $y)
          (f64x2.add (v128.load offset=16 (local.get $y))
            (f64x2.mul (v128.load offset=16 (local.get $x)) (local.get $av))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $uloop)))
    (if (i32.ge_u (local.get $len) (i32.const 2))
      (then
        (local.set $len (i32.sub (local.get $len) (i32.const 2)))
        (v128.store (local.get $y)
          (f64x2.add (v128.load (local.get $y)) (f64x2.mul (v128.load (local.get $x)) (local.get $av))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))))
    (if (local.get $len)
      (then
        (f64.store (local.get $y)
          (f64.add (f64.load (local.get $y)) (f64.mul (f64.load (local.get $x)) (local.get $alpha)))))))

  ;; Σ x[i]·y[i] over [0, len): four independent f64x2 partial sums (8 doubles per
  ;; iteration), so that consecutive additions do not wait on each other (one accumulator made
  ;; the loop latency-bound: 2.3x slower at len 392, scratch measurement), then pairs, then one.
  (func $dot (export "dot") (param $x i32) (param $y i32) (param $len i32) (result f64)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f64)
    (local.set $a0 (v128.const f64x2 0 0))
    (local.set $a1 (v128.const f64x2 0 0))
    (local.set $a2 (v128.const f64x2 0 0))
    (local.set $a3 (v128.const f64x2 0 0))
    ;; 8 doubles (64 bytes) per iteration while at least 8 remain (counted down in $len, as
    ;; an address bound end − 56 would wrap below zero for short vectors near offset 0)
    (block $udone
      (loop $uloop
        (br_if $udone (i32.lt_u (local.get $len) (i32.const 8)))
        (local.set $len (i32.sub (local.get $len) (i32.const 8)))
        (local.set $a0 (f64x2.add (local.get $a0)
          (f64x2.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
        (local.set $a1 (f64x2.add (local.get $a1)
          (f64x2.mul (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y)))))
        (local.set $a2 (f64x2.add (local.get $a2)
          (f64x2.mul (v128.load offset=32 (local.get $x)) (v128.load offset=32 (local.get $y)))))
        (local.set $a3 (f64x2.add (local.get $a3)
          (f64x2.mul (v128.load offset=48 (local.get $x)) (v128.load offset=48 (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (local.set $y (i32.add (local.get $y) (i32.const 64)))
        (br $uloop)))
    ;; then 2 doubles at a time
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.lt_u (local.get $len) (i32.const 2)))
        (local.set $len (i32.sub (local.get $len) (i32.const 2)))
        (local.set $a0 (f64x2.add (local.get $a0)
          (f64x2.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $vloop)))
    (local.set $a0 (f64x2.add (f64x2.add (local.get $a0) (local.get $a1))
                              (f64x2.add (local.get $a2) (local.get $a3))))
    (local.set $s
      (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
    (if (local.get $len)
      (then
        (local.set $s
          (f64.add (local.get $s) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))))
    (local.get $s))

  ;; The Lanczos operators, whole loops in the kernel (called from JavaScript, they were n
  ;; calls of axpy/dot each). Matrices n x n column-major at $a (bytes); vectors of n doubles.

  ;; y[0..len) += Σ_{t<4} x_t · A[0..len, t] for four consecutive columns (col0, col0 + stride,
  ;; ...; stride in bytes): one load and store of y per four columns instead of four.
  (func $axpy4 (param $col0 i32) (param $stride i32) (param $y i32) (param $len i32)
        (param $x0 f64) (param $x1 f64) (param $x2 f64) (param $x3 f64)
    (local $c1 i32) (local $c2 i32) (local $c3 i32) (local $o i32) (local $end i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $c1 (i32.add (local.get $col0) (local.get $stride)))
    (local.set $c2 (i32.add (local.get $c1) (local.get $stride)))
    (local.set $c3 (i32.add (local.get $c2) (local.get $stride)))
    (local.set $v0 (f64x2.splat (local.get $x0)))
    (local.set $v1 (f64x2.splat (local.get $x1)))
    (local.set $v2 (f64x2.splat (local.get $x2)))
    (local.set $v3 (f64x2.splat (local.get $x3)))
    ;; $o: byte offset within the columns and y; pairs while two doubles remain
    (local.set $end (i32.shl (i32.and (local.get $len) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (v128.store (i32.add (local.get $y) (local.get $o))
          (f64x2.add
            (f64x2.add (v128.load (i32.add (local.get $y) (local.get $o)))
              (f64x2.add
                (f64x2.mul (v128.load (i32.add (local.get $col0) (local.get $o))) (local.get $v0))
                (f64x2.mul (v128.load (i32.add (local.get $c1) (local.get $o))) (local.get $v1))))
            (f64x2.add
              (f64x2.mul (v128.load (i32.add (local.get $c2) (local.get $o))) (local.get $v2))
              (f64x2.mul (v128.load (i32.add (local.get $c3) (local.get $o))) (local.get $v3)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $len) (i32.const 1))
      (then
        (f64.store (i32.add (local.get $y) (local.get $o))
          (f64.add
            (f64.add (f64.load (i32.add (local.get $y) (local.get $o)))
              (f64.add
                (f64.mul (f64.load (i32.add (local.get $col0) (local.get $o))) (local.get $x0))
                (f64.mul (f64.load (i32.add (local.get $c1) (local.get $o))) (local.get $x1))))
            (f64.add
              (f64.mul (f64.load (i32.add (local.get $c2) (local.get $o))) (local.get $x2))
              (f64.mul (f64.load (i32.add (local.get $c3) (local.get $o))) (local.get $x3))))))))

  ;; y = A·x: y accumulates x_j · A[:, j] four columns at a time (contiguous columns), then
  ;; the remaining n mod 4 columns one by one
  (func (export "gemv") (param $a i32) (param $x i32) (param $y i32) (param $n i32)
    (local $j i32) (local $col i32) (local $xj f64) (local $bytes i32) (local $xp i32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 3)))
    (memory.fill (local.get $y) (i32.const 0) (local.get $bytes))
    (local.set $col (local.get $a))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $xp (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))))
        (call $axpy4 (local.get $col) (local.get $bytes) (local.get $y) (local.get $n)
          (f64.load (local.get $xp)) (f64.load offset=8 (local.get $xp))
          (f64.load offset=16 (local.get $xp)) (f64.load offset=24 (local.get $xp)))
        (local.set $col (i32.add (local.get $col) (i32.shl (local.get $bytes) (i32.const 2))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $next4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $xj (f64.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3)))))
        (call $axpy (local.get $col) (local.get $y) (local.get $n) (local.get $xj))
        (local.set $col (i32.add (local.get $col) (local.get $bytes)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next))))

  ;; y_j and y_{j+1} = A[:, j]·x and A[:, j+1]·x in one pass over x (two accumulators each)
  (func $dot2 (param $c0 i32) (param $c1 i32) (param $x i32) (param $len i32) (param $y i32)
    (local $o i32) (local $end i32) (local $xv v128)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $s0 f64) (local $s1 f64)
    (local.set $a0 (v128.const f64x2 0 0))
    (local.set $a1 (v128.const f64x2 0 0))
    (local.set $b0 (v128.const f64x2 0 0))
    (local.set $b1 (v128.const f64x2 0 0))
    ;; 4 doubles per iteration while four remain, then one pair, then one
    (local.set $end (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $o))))
        (local.set $a0 (f64x2.add (local.get $a0)
          (f64x2.mul (v128.load (i32.add (local.get $c0) (local.get $o))) (local.get $xv))))
        (local.set $b0 (f64x2.add (local.get $b0)
          (f64x2.mul (v128.load (i32.add (local.get $c1) (local.get $o))) (local.get $xv))))
        (local.set $xv (v128.load offset=16 (i32.add (local.get $x) (local.get $o))))
        (local.set $a1 (f64x2.add (local.get $a1)
          (f64x2.mul (v128.load offset=16 (i32.add (local.get $c0) (local.get $o))) (local.get $xv))))
        (local.set $b1 (f64x2.add (local.get $b1)
          (f64x2.mul (v128.load offset=16 (i32.add (local.get $c1) (local.get $o))) (local.get $xv))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $next)))
    (if (i32.and (local.get $len) (i32.const 2))
      (then
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $o))))
        (local.set $a0 (f64x2.add (local.get $a0)
          (f64x2.mul (v128.load (i32.add (local.get $c0) (local.get $o))) (local.get $xv))))
        (local.set $b0 (f64x2.add (local.get $b0)
          (f64x2.mul (v128.load (i32.add (local.get $c1) (local.get $o))) (local.get $xv))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))))
    (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
    (local.set $b0 (f64x2.add (local.get $b0) (local.get $b1)))
    (local.set $s0 (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
    (local.set $s1 (f64.add (f64x2.extract_lane 0 (local.get $b0)) (f64x2.extract_lane 1 (local.get $b0))))
    (if (i32.and (local.get $len) (i32.const 1))
      (then
        (local.set $s0 (f64.add (local.get $s0)
          (f64.mul (f64.load (i32.add (local.get $c0) (local.get $o))) (f64.load (i32.add (local.get $x) (local.get $o))))))
        (local.set $s1 (f64.add (local.get $s1)
          (f64.mul (f64.load (i32.add (local.get $c1) (local.get $o))) (f64.load (i32.add (local.get $x) (local.get $o))))))))
    (f64.store (local.get $y) (local.get $s0))
    (f64.store offset=8 (local.get $y) (local.get $s1)))

  ;; y = Aᵀ·x: y_j = A[:, j] · x, two columns per pass over x, then an odd last one
  (func (export "gemvT") (param $a i32) (param $x i32) (param $y i32) (param $n i32)
    (local $j i32) (local $col i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $col (local.get $a))
    (block $done
      (loop $next
        (br_if $done (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $n)))
        (call $dot2 (local.get $col) (i32.add (local.get $col) (local.get $bytes)) (local.get $x)
          (local.get $n) (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $col (i32.add (local.get $col) (i32.shl (local.get $bytes) (i32.const 1))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $next)))
    (if (i32.lt_s (local.get $j) (local.get $n))
      (then
        (f64.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 3)))
          (call $dot (local.get $col) (local.get $x) (local.get $n))))))

  ;; x ← U⁻¹·L⁻¹·x with the packed LU at $lu (L unit lower below the diagonal, U upper):
  ;; forward substitution x[c+1..] −= x_c·L[c+1.., c], then back substitution
  ;; x_c /= U_cc, x[0..c) −= x_c·U[0..c, c]; both column-oriented (contiguous axpys).
  (func (export "luSolve") (param $lu i32) (param $x i32) (param $n i32)
    (local $c i32) (local $xc f64) (local $col i32) (local $at i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 3)))
    (block $fdone
      (loop $fnext
        (br_if $fdone (i32.ge_s (local.get $c) (i32.sub (local.get $n) (i32.const 1))))
        (local.set $xc (f64.load (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 3)))))
        (if (f64.ne (local.get $xc) (f64.const 0))
          (then
            ;; L[c+1, c] is at lu + (c·n + c + 1)·8; x[c+1] at x + (c + 1)·8
            (call $axpy
              (i32.add (local.get $lu)
                (i32.shl (i32.add (i32.mul (local.get $c) (local.get $n)) (i32.add (local.get $c) (i32.const 1))) (i32.const 3)))
              (i32.add (local.get $x) (i32.shl (i32.add (local.get $c) (i32.const 1)) (i32.const 3)))
              (i32.sub (i32.sub (local.get $n) (local.get $c)) (i32.const 1))
              (f64.neg (local.get $xc)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $fnext)))
    (local.set $c (i32.sub (local.get $n) (i32.const 1)))
    (block $bdone
      (loop $bnext
        (br_if $bdone (i32.lt_s (local.get $c) (i32.const 0)))
        (local.set $col (i32.add (local.get $lu) (i32.mul (local.get $c) (local.get $bytes))))
        (local.set $at (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $xc (f64.div (f64.load (local.get $at))
          (f64.load (i32.add (local.get $col) (i32.shl (local.get $c) (i32.const 3))))))
        (f64.store (local.get $at) (local.get $xc))
        (if (i32.and (f64.ne (local.get $xc) (f64.const 0)) (i32.gt_s (local.get $c) (i32.const 0)))
          (then (call $axpy (local.get $col) (local.get $x) (local.get $c) (f64.neg (local.get $xc)))))
        (local.set $c (i32.sub (local.get $c) (i32.const 1)))
        (br $bnext))))

  ;; y ← L⁻ᵀ·U⁻ᵀ·y: Uᵀ·z = y forward (z_c = (y_c − U[0..c, c]·z[0..c)) / U_cc), then
  ;; Lᵀ·w = z backward (w_c = z_c − L[c+1.., c]·w[c+1..]); both as dots down columns.
  (func (export "luSolveT") (param $lu i32) (param $y i32) (param $n i32)
    (local $c i32) (local $col i32) (local $at i32) (local $bytes i32) (local $s f64)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 3)))
    (block $fdone
      (loop $fnext
        (br_if $fdone (i32.ge_s (local.get $c) (local.get $n)))
        (local.set $col (i32.add (local.get $lu) (i32.mul (local.get $c) (local.get $bytes))))
        (local.set $at (i32.add (local.get $y) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $s (f64.const 0))
        (if (i32.gt_s (local.get $c) (i32.const 0))
          (then (local.set $s (call $dot (local.get $col) (local.get $y) (local.get $c)))))
        (f64.store (local.get $at)
          (f64.div (f64.sub (f64.load (local.get $at)) (local.get $s))
            (f64.load (i32.add (local.get $col) (i32.shl (local.get $c) (i32.const 3))))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $fnext)))
    (local.set $c (i32.sub (local.get $n) (i32.const 2)))
    (block $bdone
      (loop $bnext
        (br_if $bdone (i32.lt_s (local.get $c) (i32.const 0)))
        (local.set $at (i32.add (local.get $y) (i32.shl (local.get $c) (i32.const 3))))
        (f64.store (local.get $at)
          (f64.sub (f64.load (local.get $at))
            (call $dot
              (i32.add (local.get $lu)
                (i32.shl (i32.add (i32.mul (local.get $c) (local.get $n)) (i32.add (local.get $c) (i32.const 1))) (i32.const 3)))
              (i32.add (local.get $at) (i32.const 8))
              (i32.sub (i32.sub (local.get $n) (local.get $c)) (i32.const 1)))))
        (local.set $c (i32.sub (local.get $c) (i32.const 1)))
        (br $bnext)))))
