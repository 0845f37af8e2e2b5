;; PyTorch's Adam update for one parameter, in WebAssembly SIMD (f32x4), on the memory of
;; tfjs's wasm backend (imported): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
;; out ← p − step · m / (√v · invSqrtBc2 + ε). Pointers are byte offsets; out may equal p.
;; Compiled by scripts/build-adam-wasm.mjs into adam-wasm.generated.ts.
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $out i32) (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $step f32) (param $inv f32) (param $b1 f32) (param $b2 f32) (param $eps f32)
    (local $i i32) (local $n4 i32) (local $o i32)
    (local $c1 f32) (local $c2 f32)
    (local $xb1 v128) (local $xb2 v128) (local $xc1 v128) (local $xc2 v128)
    (local $xstep v128) (local $xinv v128) (local $xeps v128)
    (local $xg v128) (local $xm v128) (local $xv v128)
    (local $sg f32) (local $sm f32) (local $sv f32)
    (local.set $c1 (f32.sub (f32.const 1) (local.get $b1)))
    (local.set $c2 (f32.sub (f32.const 1) (local.get $b2)))
    (local.set $xb1 (f32x4.splat (local.get $b1)))
    (local.set $xb2 (f32x4.splat (local.get $b2)))
    (local.set $xc1 (f32x4.splat (local.get $c1)))
    (local.set $xc2 (f32x4.splat (local.get $c2)))
    (local.set $xstep (f32x4.splat (local.get $step)))
    (local.set $xinv (f32x4.splat (local.get $inv)))
    (local.set $xeps (f32x4.splat (local.get $eps)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $vec
        (br_if $done (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $xg (v128.load (i32.add (local.get $g) (local.get $o))))
        (local.set $xm
          (f32x4.add
            (f32x4.mul (local.get $xb1) (v128.load (i32.add (local.get $m) (local.get $o))))
            (f32x4.mul (local.get $xc1) (local.get $xg))))
        (local.set $xv
          (f32x4.add
            (f32x4.mul (local.get $xb2) (v128.load (i32.add (local.get $v) (local.get $o))))
            (f32x4.mul (local.get $xc2) (f32x4.mul (local.get $xg) (local.get $xg)))))
        (v128.store (i32.add (local.get $m) (local.get $o)) (local.get $xm))
        (v128.store (i32.add (local.get $v) (local.get $o)) (local.get $xv))
        (v128.store (i32.add (local.get $out) (local.get $o))
          (f32x4.sub
            (v128.load (i32.add (local.get $p) (local.get $o)))
            (f32x4.div
              (f32x4.mul (local.get $xstep) (local.get $xm))
              (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $xv)) (local.get $xinv)) (local.get $xeps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (block $done2
      (loop $tail
        (br_if $done2 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $sg (f32.load (i32.add (local.get $g) (local.get $o))))
        (local.set $sm
          (f32.add
            (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $o))))
            (f32.mul (local.get $c1) (local.get $sg))))
        (local.set $sv
          (f32.add
            (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $o))))
            (f32.mul (local.get $c2) (f32.mul (local.get $sg) (local.get $sg)))))
        (f32.store (i32.add (local.get $m) (local.get $o)) (local.get $sm))
        (f32.store (i32.add (local.get $v) (local.get $o)) (local.get $sv))
        (f32.store (i32.add (local.get $out) (local.get $o))
          (f32.sub
            (f32.load (i32.add (local.get $p) (local.get $o)))
            (f32.div
              (f32.mul (local.get $step) (local.get $sm))
              (f32.add (f32.mul (f32.sqrt (local.get $sv)) (local.get $inv)) (local.get $eps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))))
