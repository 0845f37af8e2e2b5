// Writes the WebAssembly text of batch norm's training-mode forward and backward passes
// (src/fused/batchnorm.wat), over the columns of a row-major [B, C] matrix:
//
//   bn_forward(x, B, C, y, mean, var, r, eps):  mean, biased var over the batch, r = 1/√(var+ε),
//                                               y = (x − mean)·r
//   bn_backward(g, y, r, B, C, out):            out = r·(g − mean(g) − y·mean(g·y))
//
// Columns four at a time (f32x4), then one at a time; the two bodies are one template.
// Pointers are byte offsets into the imported memory (tfjs's wasm heap).
function columnLoop(name, vec, body) {
  const w = vec ? 4 : 1;
  return [
    `    (block $${name}_done${w} (loop $${name}_cols${w}`,
    `      (br_if $${name}_done${w} (i32.gt_u (i32.add (local.get $j) (i32.const ${w})) (local.get $C)))`,
    '      (local.set $cj (i32.shl (local.get $j) (i32.const 2)))',
    ...body(vec).map((l) => `      ${l}`),
    `      (local.set $j (i32.add (local.get $j) (i32.const ${w})))`,
    `      (br $${name}_cols${w})))`,
  ];
}

// over the rows of the current column(s): $p walks x's (and $q other operands') rows
function rows(label, inner) {
  return [
    '(local.set $i (local.get $B)) (local.set $o (local.get $cj))',
    `(block $${label}_d (loop $${label}_l`,
    `  (br_if $${label}_d (i32.eqz (local.get $i)))`,
    ...inner.map((l) => `  ${l}`),
    '  (local.set $o (i32.add (local.get $o) (local.get $row)))',
    '  (local.set $i (i32.sub (local.get $i) (i32.const 1)))',
    `  (br $${label}_l)))`,
  ];
}

export function batchNormWat() {
  const T = (vec) => (vec ? { ty: 'v128', op: 'f32x4', ld: 'v128.load', st: 'v128.store', splat: (x) => `(f32x4.splat ${x})`, zero: '(v128.const i32x4 0 0 0 0)' } : { ty: 'f32', op: 'f32', ld: 'f32.load', st: 'f32.store', splat: (x) => x, zero: '(f32.const 0)' });
  const forward = (vec) => {
    const t = T(vec);
    return [
      `(local.set $${t.ty === 'v128' ? 'vs' : 'ss'} ${t.zero})`,
      ...rows(`fm${vec ? 4 : 1}`, [`(local.set $${vec ? 'vs' : 'ss'} (${t.op}.add (local.get $${vec ? 'vs' : 'ss'}) (${t.ld} (i32.add (local.get $x) (local.get $o)))))`]),
      `(local.set $${vec ? 'vm' : 'sm'} (${t.op}.mul (local.get $${vec ? 'vs' : 'ss'}) ${t.splat('(local.get $invB)')}))`,
      `(local.set $${vec ? 'vs' : 'ss'} ${t.zero})`,
      ...rows(`fv${vec ? 4 : 1}`, [
        `(local.set $${vec ? 'vd' : 'sd'} (${t.op}.sub (${t.ld} (i32.add (local.get $x) (local.get $o))) (local.get $${vec ? 'vm' : 'sm'})))`,
        `(local.set $${vec ? 'vs' : 'ss'} (${t.op}.add (local.get $${vec ? 'vs' : 'ss'}) (${t.op}.mul (local.get $${vec ? 'vd' : 'sd'}) (local.get $${vec ? 'vd' : 'sd'}))))`,
      ]),
      `(local.set $${vec ? 'vv' : 'sv'} (${t.op}.mul (local.get $${vec ? 'vs' : 'ss'}) ${t.splat('(local.get $invB)')}))`,
      `(local.set $${vec ? 'vr' : 'sr'} (${t.op}.div ${t.splat('(f32.const 1)')} (${t.op}.sqrt (${t.op}.add (local.get $${vec ? 'vv' : 'sv'}) ${t.splat('(local.get $eps)')}))))`,
      `(${t.st} (i32.add (local.get $mean) (local.get $cj)) (local.get $${vec ? 'vm' : 'sm'}))`,
      `(${t.st} (i32.add (local.get $var) (local.get $cj)) (local.get $${vec ? 'vv' : 'sv'}))`,
      `(${t.st} (i32.add (local.get $r) (local.get $cj)) (local.get $${vec ? 'vr' : 'sr'}))`,
      ...rows(`fy${vec ? 4 : 1}`, [
        `(${t.st} (i32.add (local.get $y) (local.get $o)) (${t.op}.mul (${t.op}.sub (${t.ld} (i32.add (local.get $x) (local.get $o))) (local.get $${vec ? 'vm' : 'sm'})) (local.get $${vec ? 'vr' : 'sr'})))`,
      ]),
    ];
  };
  const backward = (vec) => {
    const t = T(vec);
    const v = (n) => `$${vec ? 'v' : 's'}${n}`;
    return [
      `(local.set ${v('s')} ${t.zero})`,
      `(local.set ${v('d')} ${t.zero})`,
      ...rows(`bm${vec ? 4 : 1}`, [
        `(local.set ${v('m')} (${t.ld} (i32.add (local.get $g) (local.get $o))))`,
        `(local.set ${v('s')} (${t.op}.add (local.get ${v('s')}) (local.get ${v('m')})))`,
        `(local.set ${v('d')} (${t.op}.add (local.get ${v('d')}) (${t.op}.mul (local.get ${v('m')}) (${t.ld} (i32.add (local.get $y) (local.get $o))))))`,
      ]),
      `(local.set ${v('s')} (${t.op}.mul (local.get ${v('s')}) ${t.splat('(local.get $invB)')}))`,
      `(local.set ${v('d')} (${t.op}.mul (local.get ${v('d')}) ${t.splat('(local.get $invB)')}))`,
      `(local.set ${v('r')} (${t.ld} (i32.add (local.get $r) (local.get $cj))))`,
      ...rows(`bo${vec ? 4 : 1}`, [
        `(${t.st} (i32.add (local.get $out) (local.get $o)) (${t.op}.mul (local.get ${v('r')}) (${t.op}.sub (${t.op}.sub (${t.ld} (i32.add (local.get $g) (local.get $o))) (local.get ${v('s')})) (${t.op}.mul (${t.ld} (i32.add (local.get $y) (local.get $o))) (local.get ${v('d')})))))`,
      ]),
    ];
  };
  const locals = '(local $j i32) (local $i i32) (local $o i32) (local $cj i32) (local $row i32) (local $invB f32) (local $vs v128) (local $vm v128) (local $vd v128) (local $vv v128) (local $vr v128) (local $ss f32) (local $sm f32) (local $sd f32) (local $sv f32) (local $sr f32)';
  const prologue = ['    (local.set $row (i32.shl (local.get $C) (i32.const 2)))', '    (local.set $invB (f32.div (f32.const 1) (f32.convert_i32_u (local.get $B))))'];
  return [
    ';; generated by scripts/batchnorm-wat.mjs (see there); compiled by scripts/build-wasm-kernels.mjs',
    '(module',
    '  (import "env" "memory" (memory 1))',
    '  (func (export "bn_forward") (param $x i32) (param $B i32) (param $C i32) (param $y i32) (param $mean i32) (param $var i32) (param $r i32) (param $eps f32)',
    `    ${locals}`,
    ...prologue,
    ...columnLoop('f', true, forward),
    ...columnLoop('f', false, forward),
    '  )',
    '  (func (export "bn_backward") (param $g i32) (param $y i32) (param $r i32) (param $B i32) (param $C i32) (param $out i32)',
    `    ${locals}`,
    ...prologue,
    ...columnLoop('b', true, backward),
    ...columnLoop('b', false, backward),
    '  )',
    ')',
    '',
  ].join('\n');
}
