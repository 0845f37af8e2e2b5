;; Fused element-wise kernels of the topic model's loss, in WebAssembly SIMD (f32x4), on the
;; memory of tfjs's wasm backend (imported). Pointers are byte offsets.
;; Compiled by scripts/build-wasm-kernels.mjs into fused-wasm.generated.ts.
(module
  (import "env" "memory" (memory 1))

  ;; e^x for four lanes (Cephes expf: x = n·ln2 + r, |r| ≤ ½ln2, e^r by a degree-6
  ;; polynomial, 2ⁿ by exponent bits; ~1 ulp). x is clamped to [−87.33, 88] (2ⁿ stays a normal float).
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -87.33654 -87.33654 -87.33654 -87.33654)) (v128.const f32x4 88.0 88.0 88.0 88.0)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
                             (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; out[i] = e^x[i] for n floats (tests compare $exp4 with Math.exp through this)
  (func (export "exp") (param $x i32) (param $out i32) (param $n i32)
    (local $i i32) (local $o i32)
    (block $done (loop $l
      (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $out) (local.get $o)) (call $exp4 (v128.load (i32.add (local.get $x) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (block $tdone (loop $t
      (br_if $tdone (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (f32.store (i32.add (local.get $out) (local.get $o)) (f32x4.extract_lane 0 (call $exp4 (f32x4.splat (f32.load (i32.add (local.get $x) (local.get $o)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $t))))

  ;; Reconstruction loss of a batch of bags of words x [B, V] under word logits l [B, V]:
  ;;   g = softmax(l)·n − x (∂RL/∂l, written to $g), n = Σ_v x_v,
  ;; and per row (4 floats at $stats + 16·row): max m, z = Σ e^(l−m), n, Σ x·l; the caller
  ;; forms RL = n·(m + ln z) − Σ x·l (WebAssembly has no logarithm). V % 4 lanes past the end
  ;; of a row are handled one at a time.
  (func (export "reconstruction") (param $x i32) (param $l i32) (param $g i32) (param $B i32) (param $V i32) (param $stats i32)
    (local $row i32) (local $j i32) (local $V4 i32) (local $o i32) (local $base i32)
    (local $vm v128) (local $m f32) (local $vz v128) (local $vn v128) (local $vxl v128) (local $e v128) (local $xv v128) (local $lv v128)
    (local $z f32) (local $n f32) (local $xl f32) (local $s f32) (local $es f32) (local $xs f32) (local $ls f32)
    (local.set $V4 (i32.and (local.get $V) (i32.const -4)))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $B)))
      (local.set $base (i32.shl (i32.mul (local.get $row) (local.get $V)) (i32.const 2)))
      ;; pass 1: the row's maximum
      (local.set $vm (v128.const f32x4 -inf -inf -inf -inf))
      (local.set $j (i32.const 0))
      (block $d1 (loop $p1
        (br_if $d1 (i32.ge_u (local.get $j) (local.get $V4)))
        (local.set $vm (f32x4.max (local.get $vm) (v128.load (i32.add (local.get $l) (i32.add (local.get $base) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $p1)))
      (local.set $m (f32.max (f32.max (f32x4.extract_lane 0 (local.get $vm)) (f32x4.extract_lane 1 (local.get $vm)))
                             (f32.max (f32x4.extract_lane 2 (local.get $vm)) (f32x4.extract_lane 3 (local.get $vm)))))
      (block $d1t (loop $p1t
        (br_if $d1t (i32.ge_u (local.get $j) (local.get $V)))
        (local.set $m (f32.max (local.get $m) (f32.load (i32.add (local.get $l) (i32.add (local.get $base) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $p1t)))
      ;; pass 2: e = exp(l − m) into g; Σ e, Σ x, Σ x·l
      (local.set $vm (f32x4.splat (local.get $m)))
      (local.set $vz (v128.const i32x4 0 0 0 0))
      (local.set $vn (v128.const i32x4 0 0 0 0))
      (local.set $vxl (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (block $d2 (loop $p2
        (br_if $d2 (i32.ge_u (local.get $j) (local.get $V4)))
        (local.set $o (i32.add (local.get $base) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $lv (v128.load (i32.add (local.get $l) (local.get $o))))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $o))))
        (local.set $e (call $exp4 (f32x4.sub (local.get $lv) (local.get $vm))))
        (v128.store (i32.add (local.get $g) (local.get $o)) (local.get $e))
        (local.set $vz (f32x4.add (local.get $vz) (local.get $e)))
        (local.set $vn (f32x4.add (local.get $vn) (local.get $xv)))
        (local.set $vxl (f32x4.add (local.get $vxl) (f32x4.mul (local.get $xv) (local.get $lv))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $p2)))
      (local.set $z (f32.add (f32.add (f32x4.extract_lane 0 (local.get $vz)) (f32x4.extract_lane 1 (local.get $vz))) (f32.add (f32x4.extract_lane 2 (local.get $vz)) (f32x4.extract_lane 3 (local.get $vz)))))
      (local.set $n (f32.add (f32.add (f32x4.extract_lane 0 (local.get $vn)) (f32x4.extract_lane 1 (local.get $vn))) (f32.add (f32x4.extract_lane 2 (local.get $vn)) (f32x4.extract_lane 3 (local.get $vn)))))
      (local.set $xl (f32.add (f32.add (f32x4.extract_lane 0 (local.get $vxl)) (f32x4.extract_lane 1 (local.get $vxl))) (f32.add (f32x4.extract_lane 2 (local.get $vxl)) (f32x4.extract_lane 3 (local.get $vxl)))))
      (block $d2t (loop $p2t
        (br_if $d2t (i32.ge_u (local.get $j) (local.get $V)))
        (local.set $o (i32.add (local.get $base) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $ls (f32.load (i32.add (local.get $l) (local.get $o))))
        (local.set $xs (f32.load (i32.add (local.get $x) (local.get $o))))
        (local.set $es (f32x4.extract_lane 0 (call $exp4 (f32x4.splat (f32.sub (local.get $ls) (local.get $m))))))
        (f32.store (i32.add (local.get $g) (local.get $o)) (local.get $es))
        (local.set $z (f32.add (local.get $z) (local.get $es)))
        (local.set $n (f32.add (local.get $n) (local.get $xs)))
        (local.set $xl (f32.add (local.get $xl) (f32.mul (local.get $xs) (local.get $ls))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $p2t)))
      ;; pass 3: g = e·(n / z) − x
      (local.set $s (f32.div (local.get $n) (local.get $z)))
      (local.set $vm (f32x4.splat (local.get $s)))
      (local.set $j (i32.const 0))
      (block $d3 (loop $p3
        (br_if $d3 (i32.ge_u (local.get $j) (local.get $V4)))
        (local.set $o (i32.add (local.get $base) (i32.shl (local.get $j) (i32.const 2))))
        (v128.store (i32.add (local.get $g) (local.get $o))
          (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $o))) (local.get $vm)) (v128.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $p3)))
      (block $d3t (loop $p3t
        (br_if $d3t (i32.ge_u (local.get $j) (local.get $V)))
        (local.set $o (i32.add (local.get $base) (i32.shl (local.get $j) (i32.const 2))))
        (f32.store (i32.add (local.get $g) (local.get $o))
          (f32.sub (f32.mul (f32.load (i32.add (local.get $g) (local.get $o))) (local.get $s)) (f32.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $p3t)))
      (local.set $o (i32.add (local.get $stats) (i32.shl (local.get $row) (i32.const 4))))
      (f32.store offset=0 (local.get $o) (local.get $m))
      (f32.store offset=4 (local.get $o) (local.get $z))
      (f32.store offset=8 (local.get $o) (local.get $n))
      (f32.store offset=12 (local.get $o) (local.get $xl))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rows)))))
