;; Float32 kernels for the all-pairs concat critic, with 128-bit SIMD (four floats per
;; instruction): one hidden layer (`pair-mlp.ts`, vectorized over units: pairForward,
;; pairBackward) and several narrow ones (`pair-mlp-deep.ts`, vectorized over pairs:
;; pairMlpForward, pairMlpBackward, further down). Hand-written so that no toolchain is needed
;; at run time: assembled once by `scripts/build-f64-kernels.mjs` (wabt) into `f32-kernels.ts`;
;; a test checks that the committed bytes match this source.
;;
;; One hidden layer: s[i][j] = Σ_k v_k · relu(a[i][k] + c[j][k]) (+ a bias added by the caller), with
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
        (br $iloop))))

  ;; ---------------------------------------------------------------------------------------
  ;; Concat critic with several hidden layers (`pair-mlp-deep.ts`), vectorized over PAIRS:
  ;; the widths are small (10 for `noniid`, rarely a multiple of 4), so each f32x4 lane holds
  ;; one pair and every weight is splatted. A block is 16 pairs (i, j..j+15): four vectors per
  ;; unit, enough to amortize each splatted weight over four multiply-adds while the block's
  ;; four accumulators, the weight and the loaded activations stay in registers (x64 has 16).
  ;; Activations of a block are laid out [unit][16 pairs]: 64 bytes per unit.
  ;;
  ;; A network is a table of $layers descriptors (after the split first layer), 8 i32 each:
  ;;   +0 hin  +4 hout  +8 W ([hin, hout], row-major)  +12 b ([hout])
  ;;   +16 the block's input activations [hin][16]  +20 its output activations [hout][16]
  ;;   +24 dW lane sums ([hin][hout][4])  +28 db lane sums ([hout][4])
  ;; (byte offsets; layer l's input area is layer l-1's output area; the last layer has
  ;; hout = 1 and no relu). The first layer is rows[i] + colsT[.][j] (see pairMlpForward).

  ;; a0[k][m] = max(rows[i][k] + colsT[k][j + m], 0) for k < h0, m < 16.
  ;; $row = &rows[i][0], $col = &colsT[0][j], $stride = bytes per colsT row.
  (func $pairFirst (param $row i32) (param $col i32) (param $stride i32) (param $a0 i32)
    (param $h0 i32)
    (local $end i32) (local $r v128) (local $zero v128)
    (local.set $zero (v128.const f32x4 0 0 0 0))
    (local.set $end (i32.add (local.get $row) (i32.shl (local.get $h0) (i32.const 2))))
    (loop $k
      (local.set $r (v128.load32_splat (local.get $row)))
      (v128.store offset=0 (local.get $a0)
        (f32x4.max (f32x4.add (local.get $r) (v128.load offset=0 (local.get $col))) (local.get $zero)))
      (v128.store offset=16 (local.get $a0)
        (f32x4.max (f32x4.add (local.get $r) (v128.load offset=16 (local.get $col))) (local.get $zero)))
      (v128.store offset=32 (local.get $a0)
        (f32x4.max (f32x4.add (local.get $r) (v128.load offset=32 (local.get $col))) (local.get $zero)))
      (v128.store offset=48 (local.get $a0)
        (f32x4.max (f32x4.add (local.get $r) (v128.load offset=48 (local.get $col))) (local.get $zero)))
      (local.set $row (i32.add (local.get $row) (i32.const 4)))
      (local.set $col (i32.add (local.get $col) (local.get $stride)))
      (local.set $a0 (i32.add (local.get $a0) (i32.const 64)))
      (br_if $k (i32.lt_u (local.get $row) (local.get $end)))))

  ;; out[u][m] = act(b[u] + Σ_k W[k][u] · in[k][m]) for u < hout, m < 16; act = relu if $relu.
  (func $pairDense (param $w i32) (param $b i32) (param $in i32) (param $out i32) (param $hin i32)
    (param $hout i32) (param $relu i32)
    (local $end i32) (local $wrow i32) (local $u i32) (local $pin i32) (local $pw i32)
    (local $wk v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $zero v128)
    (local.set $zero (v128.const f32x4 0 0 0 0))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $hin) (i32.const 6))))
    (local.set $wrow (i32.shl (local.get $hout) (i32.const 2)))
    (local.set $u (i32.const 0))
    (loop $units
      (local.set $s0 (v128.load32_splat (i32.add (local.get $b) (i32.shl (local.get $u) (i32.const 2)))))
      (local.set $s1 (local.get $s0))
      (local.set $s2 (local.get $s0))
      (local.set $s3 (local.get $s0))
      (local.set $pin (local.get $in))
      (local.set $pw (i32.add (local.get $w) (i32.shl (local.get $u) (i32.const 2))))
      (loop $k
        (local.set $wk (v128.load32_splat (local.get $pw)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $wk) (v128.load offset=0 (local.get $pin)))))
        (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $wk) (v128.load offset=16 (local.get $pin)))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $wk) (v128.load offset=32 (local.get $pin)))))
        (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $wk) (v128.load offset=48 (local.get $pin)))))
        (local.set $pin (i32.add (local.get $pin) (i32.const 64)))
        (local.set $pw (i32.add (local.get $pw) (local.get $wrow)))
        (br_if $k (i32.lt_u (local.get $pin) (local.get $end))))
      (if (local.get $relu)
        (then
          (local.set $s0 (f32x4.max (local.get $s0) (local.get $zero)))
          (local.set $s1 (f32x4.max (local.get $s1) (local.get $zero)))
          (local.set $s2 (f32x4.max (local.get $s2) (local.get $zero)))
          (local.set $s3 (f32x4.max (local.get $s3) (local.get $zero)))))
      (v128.store offset=0 (local.get $out) (local.get $s0))
      (v128.store offset=16 (local.get $out) (local.get $s1))
      (v128.store offset=32 (local.get $out) (local.get $s2))
      (v128.store offset=48 (local.get $out) (local.get $s3))
      (local.set $out (i32.add (local.get $out) (i32.const 64)))
      (local.set $u (i32.add (local.get $u) (i32.const 1)))
      (br_if $units (i32.lt_u (local.get $u) (local.get $hout)))))

  ;; Backward through one dense layer for a block, given dzOut = dL/d(pre-activation) [hout][16]:
  ;;   db[u] += Σ_m dzOut[u][m]                 dW[k][u] += Σ_m in[k][m] · dzOut[u][m]
  ;;   dzIn[k][m] = (Σ_u W[k][u] · dzOut[u][m]) · 1[in[k][m] > 0]
  ;; (lane sums: db and dW hold 4 partial sums each). The input is a relu output, so its mask is
  ;; 1[in > 0] (= 1[pre-activation > 0], TF.js's relu gradient, 0 at 0).
  (func $pairDenseBack (param $w i32) (param $in i32) (param $dzOut i32) (param $dzIn i32)
    (param $dw i32) (param $db i32) (param $hin i32) (param $hout i32)
    (local $k i32) (local $pw i32) (local $pdz i32) (local $wend i32) (local $wrow i32)
    (local $wk v128) (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (local $z0 v128) (local $z1 v128) (local $z2 v128) (local $z3 v128) (local $zero v128)
    (local.set $zero (v128.const f32x4 0 0 0 0))
    (local.set $wrow (i32.shl (local.get $hout) (i32.const 2)))
    ;; db
    (local.set $pdz (local.get $dzOut))
    (local.set $pw (local.get $db))
    (local.set $wend (i32.add (local.get $db) (i32.shl (local.get $hout) (i32.const 4))))
    (loop $u
      (v128.store (local.get $pw)
        (f32x4.add (v128.load (local.get $pw))
          (f32x4.add
            (f32x4.add (v128.load offset=0 (local.get $pdz)) (v128.load offset=16 (local.get $pdz)))
            (f32x4.add (v128.load offset=32 (local.get $pdz)) (v128.load offset=48 (local.get $pdz))))))
      (local.set $pdz (i32.add (local.get $pdz) (i32.const 64)))
      (local.set $pw (i32.add (local.get $pw) (i32.const 16)))
      (br_if $u (i32.lt_u (local.get $pw) (local.get $wend))))
    ;; dW and dzIn, one input unit k at a time (its row of W, its 16 activations in registers)
    (local.set $k (i32.const 0))
    (loop $rows
      (local.set $x0 (v128.load offset=0 (local.get $in)))
      (local.set $x1 (v128.load offset=16 (local.get $in)))
      (local.set $x2 (v128.load offset=32 (local.get $in)))
      (local.set $x3 (v128.load offset=48 (local.get $in)))
      (local.set $d0 (local.get $zero))
      (local.set $d1 (local.get $zero))
      (local.set $d2 (local.get $zero))
      (local.set $d3 (local.get $zero))
      (local.set $pw (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $wrow))))
      (local.set $wend (i32.add (local.get $pw) (local.get $wrow)))
      (local.set $pdz (local.get $dzOut))
      (loop $u
        (local.set $wk (v128.load32_splat (local.get $pw)))
        (local.set $z0 (v128.load offset=0 (local.get $pdz)))
        (local.set $z1 (v128.load offset=16 (local.get $pdz)))
        (local.set $z2 (v128.load offset=32 (local.get $pdz)))
        (local.set $z3 (v128.load offset=48 (local.get $pdz)))
        (local.set $d0 (f32x4.add (local.get $d0) (f32x4.mul (local.get $wk) (local.get $z0))))
        (local.set $d1 (f32x4.add (local.get $d1) (f32x4.mul (local.get $wk) (local.get $z1))))
        (local.set $d2 (f32x4.add (local.get $d2) (f32x4.mul (local.get $wk) (local.get $z2))))
        (local.set $d3 (f32x4.add (local.get $d3) (f32x4.mul (local.get $wk) (local.get $z3))))
        (v128.store (local.get $dw)
          (f32x4.add (v128.load (local.get $dw))
            (f32x4.add
              (f32x4.add (f32x4.mul (local.get $x0) (local.get $z0)) (f32x4.mul (local.get $x1) (local.get $z1)))
              (f32x4.add (f32x4.mul (local.get $x2) (local.get $z2)) (f32x4.mul (local.get $x3) (local.get $z3))))))
        (local.set $dw (i32.add (local.get $dw) (i32.const 16)))
        (local.set $pdz (i32.add (local.get $pdz) (i32.const 64)))
        (local.set $pw (i32.add (local.get $pw) (i32.const 4)))
        (br_if $u (i32.lt_u (local.get $pw) (local.get $wend))))
      ;; the comparison's all-ones lanes as a mask
      (v128.store offset=0 (local.get $dzIn) (v128.and (local.get $d0) (f32x4.gt (local.get $x0) (local.get $zero))))
      (v128.store offset=16 (local.get $dzIn) (v128.and (local.get $d1) (f32x4.gt (local.get $x1) (local.get $zero))))
      (v128.store offset=32 (local.get $dzIn) (v128.and (local.get $d2) (f32x4.gt (local.get $x2) (local.get $zero))))
      (v128.store offset=48 (local.get $dzIn) (v128.and (local.get $d3) (f32x4.gt (local.get $x3) (local.get $zero))))
      (local.set $in (i32.add (local.get $in) (i32.const 64)))
      (local.set $dzIn (i32.add (local.get $dzIn) (i32.const 64)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $k) (local.get $hin)))))

  ;; The first layer's gradient for a block, from dz0 [h0][16]:
  ;;   drows[i][k] += Σ_m dz0[k][m] (4 lane sums per k at $drow)    dcolsT[k][j + m] += dz0[k][m]
  (func $pairFirstBack (param $dz0 i32) (param $drow i32) (param $dcol i32) (param $stride i32)
    (param $h0 i32)
    (local $end i32) (local $z0 v128) (local $z1 v128) (local $z2 v128) (local $z3 v128)
    (local.set $end (i32.add (local.get $drow) (i32.shl (local.get $h0) (i32.const 4))))
    (loop $k
      (local.set $z0 (v128.load offset=0 (local.get $dz0)))
      (local.set $z1 (v128.load offset=16 (local.get $dz0)))
      (local.set $z2 (v128.load offset=32 (local.get $dz0)))
      (local.set $z3 (v128.load offset=48 (local.get $dz0)))
      (v128.store (local.get $drow)
        (f32x4.add (v128.load (local.get $drow))
          (f32x4.add (f32x4.add (local.get $z0) (local.get $z1)) (f32x4.add (local.get $z2) (local.get $z3)))))
      (v128.store offset=0 (local.get $dcol) (f32x4.add (v128.load offset=0 (local.get $dcol)) (local.get $z0)))
      (v128.store offset=16 (local.get $dcol) (f32x4.add (v128.load offset=16 (local.get $dcol)) (local.get $z1)))
      (v128.store offset=32 (local.get $dcol) (f32x4.add (v128.load offset=32 (local.get $dcol)) (local.get $z2)))
      (v128.store offset=48 (local.get $dcol) (f32x4.add (v128.load offset=48 (local.get $dcol)) (local.get $z3)))
      (local.set $dz0 (i32.add (local.get $dz0) (i32.const 64)))
      (local.set $drow (i32.add (local.get $drow) (i32.const 16)))
      (local.set $dcol (i32.add (local.get $dcol) (local.get $stride)))
      (br_if $k (i32.lt_u (local.get $drow) (local.get $end)))))

  ;; Forward of the hidden layers after the first, for one block: layers 0..$upto-1 of $net
  ;; (relu on all but the network's last layer, index $layers - 1).
  (func $pairStack (param $net i32) (param $layers i32) (param $upto i32)
    (local $l i32) (local $d i32)
    (local.set $l (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $l) (local.get $upto)))
        (local.set $d (i32.add (local.get $net) (i32.shl (local.get $l) (i32.const 5))))
        (call $pairDense
          (i32.load offset=8 (local.get $d)) (i32.load offset=12 (local.get $d))
          (i32.load offset=16 (local.get $d)) (i32.load offset=20 (local.get $d))
          (i32.load offset=0 (local.get $d)) (i32.load offset=4 (local.get $d))
          (i32.lt_u (local.get $l) (i32.sub (local.get $layers) (i32.const 1))))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $next))))

  ;; out[i·B2p + j] = the network's output at pair (i, j), for i < B1, j < B2p (B2p a multiple
  ;; of 16: the caller pads colsT with zero columns and ignores their scores).
  ;; rows: [B1, h0] row-major (x_i W_x + b); colsT: [h0, B2p] (y_j W_y, transposed).
  (func (export "pairMlpForward")
    (param $net i32) (param $layers i32) (param $rows i32) (param $colsT i32) (param $out i32)
    (param $b1 i32) (param $b2p i32) (param $h0 i32)
    (local $i i32) (local $j i32) (local $stride i32) (local $a0 i32) (local $last i32)
    (local $row i32) (local $p i32)
    (local.set $stride (i32.shl (local.get $b2p) (i32.const 2)))
    (local.set $a0 (i32.load offset=16 (local.get $net)))
    (local.set $last (i32.load offset=20
      (i32.add (local.get $net) (i32.shl (i32.sub (local.get $layers) (i32.const 1)) (i32.const 5)))))
    (local.set $i (i32.const 0))
    (loop $rowsLoop
      (local.set $row (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $i) (local.get $h0)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (loop $cols
        (call $pairFirst (local.get $row) (i32.add (local.get $colsT) (i32.shl (local.get $j) (i32.const 2)))
          (local.get $stride) (local.get $a0) (local.get $h0))
        (call $pairStack (local.get $net) (local.get $layers) (local.get $layers))
        (local.set $p (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $b2p)) (local.get $j)) (i32.const 2))))
        (v128.store offset=0 (local.get $p) (v128.load offset=0 (local.get $last)))
        (v128.store offset=16 (local.get $p) (v128.load offset=16 (local.get $last)))
        (v128.store offset=32 (local.get $p) (v128.load offset=32 (local.get $last)))
        (v128.store offset=48 (local.get $p) (v128.load offset=48 (local.get $last)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $b2p))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rowsLoop (i32.lt_u (local.get $i) (local.get $b1)))))

  ;; Gradients of Σ_ij g[i·B2p + j] · out[i·B2p + j] w.r.t. rows, colsT and every layer's W, b.
  ;; Recomputes each block's activations (a few KB, in L1) instead of storing B1·B2·Σh floats;
  ;; a block whose 16 cotangents are all zero (the padding) is skipped. The caller zeroes the
  ;; accumulators first: $drows ([B1][h0][4] lane sums), $dcolsT ([h0][B2p]), every dW and db.
  ;; $dzA, $dzB: two scratch areas of max(h)·64 bytes.
  (func (export "pairMlpBackward")
    (param $net i32) (param $layers i32) (param $rows i32) (param $colsT i32) (param $g i32)
    (param $drows i32) (param $dcolsT i32) (param $b1 i32) (param $b2p i32) (param $h0 i32)
    (param $dzA i32) (param $dzB i32)
    (local $i i32) (local $j i32) (local $stride i32) (local $a0 i32) (local $row i32)
    (local $p i32) (local $l i32) (local $d i32) (local $cur i32) (local $next i32)
    (local $g0 v128) (local $g1 v128) (local $g2 v128) (local $g3 v128)
    (local.set $stride (i32.shl (local.get $b2p) (i32.const 2)))
    (local.set $a0 (i32.load offset=16 (local.get $net)))
    (local.set $i (i32.const 0))
    (loop $rowsLoop
      (local.set $row (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $i) (local.get $h0)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $p (i32.add (local.get $g)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $b2p)) (local.get $j)) (i32.const 2))))
        (local.set $g0 (v128.load offset=0 (local.get $p)))
        (local.set $g1 (v128.load offset=16 (local.get $p)))
        (local.set $g2 (v128.load offset=32 (local.get $p)))
        (local.set $g3 (v128.load offset=48 (local.get $p)))
        (if (v128.any_true (v128.or (v128.or (local.get $g0) (local.get $g1)) (v128.or (local.get $g2) (local.get $g3))))
          (then
            (call $pairFirst (local.get $row) (i32.add (local.get $colsT) (i32.shl (local.get $j) (i32.const 2)))
              (local.get $stride) (local.get $a0) (local.get $h0))
            ;; every layer but the output one (its value is not needed, only its input)
            (call $pairStack (local.get $net) (local.get $layers) (i32.sub (local.get $layers) (i32.const 1)))
            (v128.store offset=0 (local.get $dzA) (local.get $g0))
            (v128.store offset=16 (local.get $dzA) (local.get $g1))
            (v128.store offset=32 (local.get $dzA) (local.get $g2))
            (v128.store offset=48 (local.get $dzA) (local.get $g3))
            (local.set $cur (local.get $dzA))
            (local.set $next (local.get $dzB))
            (local.set $l (local.get $layers))
            (loop $back
              (local.set $l (i32.sub (local.get $l) (i32.const 1)))
              (local.set $d (i32.add (local.get $net) (i32.shl (local.get $l) (i32.const 5))))
              (call $pairDenseBack
                (i32.load offset=8 (local.get $d)) (i32.load offset=16 (local.get $d))
                (local.get $cur) (local.get $next)
                (i32.load offset=24 (local.get $d)) (i32.load offset=28 (local.get $d))
                (i32.load offset=0 (local.get $d)) (i32.load offset=4 (local.get $d)))
              (local.set $p (local.get $cur))
              (local.set $cur (local.get $next))
              (local.set $next (local.get $p))
              (br_if $back (i32.gt_u (local.get $l) (i32.const 0))))
            (call $pairFirstBack (local.get $cur)
              (i32.add (local.get $drows) (i32.shl (i32.mul (local.get $i) (local.get $h0)) (i32.const 4)))
              (i32.add (local.get $dcolsT) (i32.shl (local.get $j) (i32.const 2)))
              (local.get $stride) (local.get $h0))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $b2p))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rowsLoop (i32.lt_u (local.get $i) (local.get $b1))))))

