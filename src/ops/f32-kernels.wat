;; Float32 kernels for the all-pairs concat critic with one hidden layer (`pair-mlp.ts`), with
;; 128-bit SIMD (four floats per instruction). Hand-written so that no toolchain is needed at
;; run time: assembled once by `scripts/build-f64-kernels.mjs` (wabt) into `f32-kernels.ts`;
;; a test checks that the committed bytes match this source.
;;
;; The critic: s[i][j] = Σ_k v_k · relu(a[i][k] + c[j][k]) (+ a bias added by the caller), with
;; a = x W_x + b ([B, H]) and c = y W_y ([B, H]). Computed pair by pair, so the [B, B, H]
;; activations are never stored (TF.js materializes them, forward and backward, at 3.3M floats
;; per tensor for B = 128, H = 200).
;; Addresses are byte offsets into the exported memory; matrices are row-major with rows of
;; $h floats, $h a multiple of 4 (the caller pads with zeros: a zero pad of a, c and v adds
;; relu(0)·0 = 0 and gets zero gradient).
(module
  (memory (export "memory") 1)

  ;; out[i·B2 + j] = Σ_k v[k] · max(a[i][k] + c[j][k], 0)  for i < B1, j < B2
  (func (export "pairForward")
    (param $a i32) (param $c i32) (param $v i32) (param $out i32) (param $b1 i32) (param $b2 i32)
    (param $h i32)
    (local $i i32) (local $j i32) (local $rowA i32) (local $rowC i32) (local $k i32)
    (local $bytes i32) (local $acc v128) (local $zero v128)
    (local.set $bytes (i32.shl (local.get $h) (i32.const 2)))
    (local.set $zero (v128.const f32x4 0 0 0 0))
    (local.set $i (i32.const 0))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.ge_s (local.get $i) (local.get $b1)))
        (local.set $rowA (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $bytes))))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_s (local.get $j) (local.get $b2)))
            (local.set $rowC (i32.add (local.get $c) (i32.mul (local.get $j) (local.get $bytes))))
            (local.set $acc (local.get $zero))
            (local.set $k (i32.const 0))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_u (local.get $k) (local.get $bytes)))
                (local.set $acc
                  (f32x4.add (local.get $acc)
                    (f32x4.mul
                      (f32x4.max
                        (f32x4.add
                          (v128.load (i32.add (local.get $rowA) (local.get $k)))
                          (v128.load (i32.add (local.get $rowC) (local.get $k))))
                        (local.get $zero))
                      (v128.load (i32.add (local.get $v) (local.get $k))))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $kloop)))
            (f32.store
              (i32.add (local.get $out)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $b2)) (local.get $j)) (i32.const 2)))
              (f32.add
                (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jloop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iloop))))

  ;; Gradients of Σ_ij g[i·B2 + j] · s[i][j] (the caller zeroes $da, $dc, $dv first):
  ;;   with p = a[i][k] + c[j][k] and t = g_ij · v_k · 1[p > 0],
  ;;   da[i][k] += t,  dc[j][k] += t,  dv[k] += g_ij · max(p, 0).
  (func (export "pairBackward")
    (param $a i32) (param $c i32) (param $v i32) (param $g i32)
    (param $da i32) (param $dc i32) (param $dv i32) (param $b1 i32) (param $b2 i32) (param $h i32)
    (local $i i32) (local $j i32) (local $rowA i32) (local $rowC i32) (local $rowDa i32)
    (local $rowDc i32) (local $k i32) (local $bytes i32) (local $gij f32) (local $gs v128)
    (local $p v128) (local $t v128) (local $zero v128)
    (local.set $bytes (i32.shl (local.get $h) (i32.const 2)))
    (local.set $zero (v128.const f32x4 0 0 0 0))
    (local.set $i (i32.const 0))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.ge_s (local.get $i) (local.get $b1)))
        (local.set $rowA (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $bytes))))
        (local.set $rowDa (i32.add (local.get $da) (i32.mul (local.get $i) (local.get $bytes))))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_s (local.get $j) (local.get $b2)))
            (local.set $gij
              (f32.load (i32.add (local.get $g)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $b2)) (local.get $j)) (i32.const 2)))))
            (if (f32.ne (local.get $gij) (f32.const 0))
              (then
                (local.set $gs (f32x4.splat (local.get $gij)))
                (local.set $rowC (i32.add (local.get $c) (i32.mul (local.get $j) (local.get $bytes))))
                (local.set $rowDc (i32.add (local.get $dc) (i32.mul (local.get $j) (local.get $bytes))))
                (local.set $k (i32.const 0))
                (block $kdone
                  (loop $kloop
                    (br_if $kdone (i32.ge_u (local.get $k) (local.get $bytes)))
                    (local.set $p
                      (f32x4.add
                        (v128.load (i32.add (local.get $rowA) (local.get $k)))
                        (v128.load (i32.add (local.get $rowC) (local.get $k)))))
                    ;; dv[k] += g · max(p, 0)
                    (v128.store (i32.add (local.get $dv) (local.get $k))
                      (f32x4.add (v128.load (i32.add (local.get $dv) (local.get $k)))
                        (f32x4.mul (local.get $gs) (f32x4.max (local.get $p) (local.get $zero)))))
                    ;; t = g · v_k where p > 0, else 0 (the comparison's all-ones lanes as a mask)
                    (local.set $t
                      (v128.and
                        (f32x4.mul (local.get $gs) (v128.load (i32.add (local.get $v) (local.get $k))))
                        (f32x4.gt (local.get $p) (local.get $zero))))
                    (v128.store (i32.add (local.get $rowDa) (local.get $k))
                      (f32x4.add (v128.load (i32.add (local.get $rowDa) (local.get $k))) (local.get $t)))
                    (v128.store (i32.add (local.get $rowDc) (local.get $k))
                      (f32x4.add (v128.load (i32.add (local.get $rowDc) (local.get $k))) (local.get $t)))
                    (local.set $k (i32.add (local.get $k) (i32.const 16)))
                    (br $kloop)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jloop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iloop)))))
