;; WebAssembly-SIMD gradient kernels for 2-D convolution and max pooling (NHWC, channels last), registered on
;; tfjs's wasm backend where its own kernels are missing or slow. They run on the backend's own memory (imported),
;; so tensors are addressed by their heap byte offsets with no copy. Accumulation order is fixed (no threads),
;; so results are bit-identical from run to run.
(module
  (import "env" "memory" (memory 1))

  ;; dW[kh,kw,c,co] = sum over n,oh,ow of x[n, oh*s+kh-pt, ow*s+kw-pl, c] * dy[n,oh,ow,co].
  ;; co must be a multiple of 4; dW must be zeroed by the caller. Pointers are byte offsets.
  ;; Register-blocked: image by image (so the image's x and dy stay in cache), for one (kh, kw, c) and up to 16
  ;; output channels the sums stay in v128 locals over the image's positions: each position costs one splatted x
  ;; load and one dy load per 4 channels, with dW touched once per image.
  ;; The block is written out for 4, 2 and 1 accumulators (16, 8, 4 channels); the valid ow range for each kw is
  ;; computed once so the innermost loop has no bounds checks.
  (func (export "conv_bwd_filter")
    (param $x i32) (param $dy i32) (param $dw i32)
    (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (param $oh i32) (param $ow i32) (param $co i32)
    (param $kh i32) (param $kw i32) (param $s i32) (param $pt i32) (param $pl i32)
    (local $in i32) (local $ioh i32) (local $ikh i32) (local $ikw i32) (local $ih i32) (local $ic i32) (local $co0 i32)
    (local $owLo i32) (local $owHi i32) (local $iw0 i32) (local $cnt i32)
    (local $xp i32) (local $dp i32) (local $wp i32) (local $xstep i32) (local $cob i32) (local $xv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $xstep (i32.shl (i32.mul (local.get $s) (local.get $c)) (i32.const 2)))
    (local.set $cob (i32.shl (local.get $co) (i32.const 2)))
    (local.set $in (i32.const 0))
    (block $nEnd (loop $nLoop
    (br_if $nEnd (i32.ge_u (local.get $in) (local.get $n)))
    (local.set $ikh (i32.const 0))
    (block $khEnd (loop $khLoop
      (br_if $khEnd (i32.ge_u (local.get $ikh) (local.get $kh)))
      (local.set $ikw (i32.const 0))
      (block $kwEnd (loop $kwLoop
        (br_if $kwEnd (i32.ge_u (local.get $ikw) (local.get $kw)))
        ;; ow range whose input column ow*s + kw - pl lies inside [0, w)
        (local.set $owLo (i32.const 0))
        (block $loEnd (loop $loLoop
          (br_if $loEnd (i32.ge_s (local.get $owLo) (local.get $ow)))
          (br_if $loEnd (i32.ge_s (i32.sub (i32.add (i32.mul (local.get $owLo) (local.get $s)) (local.get $ikw)) (local.get $pl)) (i32.const 0)))
          (local.set $owLo (i32.add (local.get $owLo) (i32.const 1)))
          (br $loLoop)))
        (local.set $owHi (local.get $ow))
        (block $hiEnd (loop $hiLoop
          (br_if $hiEnd (i32.le_s (local.get $owHi) (local.get $owLo)))
          (br_if $hiEnd (i32.lt_s (i32.sub (i32.add (i32.mul (i32.sub (local.get $owHi) (i32.const 1)) (local.get $s)) (local.get $ikw)) (local.get $pl)) (local.get $w)))
          (local.set $owHi (i32.sub (local.get $owHi) (i32.const 1)))
          (br $hiLoop)))
        (local.set $iw0 (i32.sub (i32.add (i32.mul (local.get $owLo) (local.get $s)) (local.get $ikw)) (local.get $pl)))
        (local.set $ic (i32.const 0))
        (block $cEnd (loop $cLoop
          (br_if $cEnd (i32.ge_u (local.get $ic) (local.get $c)))
          (local.set $co0 (i32.const 0))
        ;; 4 accumulator(s): output channels co0 .. co0+15
        (block $b4End (loop $b4Loop
          (br_if $b4End (i32.gt_u (i32.add (local.get $co0) (i32.const 16)) (local.get $co)))
          (local.set $wp (i32.add (local.get $dw) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $ikh) (local.get $kw)) (local.get $ikw)) (local.get $c)) (local.get $ic)) (local.get $co)) (local.get $co0)) (i32.const 2))))
          (local.set $a0 (v128.load offset=0 (local.get $wp)))
          (local.set $a1 (v128.load offset=16 (local.get $wp)))
          (local.set $a2 (v128.load offset=32 (local.get $wp)))
          (local.set $a3 (v128.load offset=48 (local.get $wp)))
            (local.set $ioh (i32.const 0))
            (block $h4End (loop $h4Loop
              (br_if $h4End (i32.ge_u (local.get $ioh) (local.get $oh)))
              (local.set $ih (i32.sub (i32.add (i32.mul (local.get $ioh) (local.get $s)) (local.get $ikh)) (local.get $pt)))
              (if (i32.lt_u (local.get $ih) (local.get $h)) (then
                (local.set $xp (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $in) (local.get $h)) (local.get $ih)) (local.get $w)) (local.get $iw0)) (local.get $c)) (local.get $ic)) (i32.const 2))))
                (local.set $dp (i32.add (local.get $dy) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $in) (local.get $oh)) (local.get $ioh)) (local.get $ow)) (local.get $owLo)) (local.get $co)) (local.get $co0)) (i32.const 2))))
                (local.set $cnt (i32.sub (local.get $owHi) (local.get $owLo)))
                (block $w4End (loop $w4Loop
                  (br_if $w4End (i32.le_s (local.get $cnt) (i32.const 0)))
                    (local.set $xv (v128.load32_splat (local.get $xp)))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $dp)))))
                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $dp)))))
                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load offset=32 (local.get $dp)))))
                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load offset=48 (local.get $dp)))))
                    (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                    (local.set $dp (i32.add (local.get $dp) (local.get $cob)))
                    (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                  (br $w4Loop)))))
              (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
              (br $h4Loop)))
          (v128.store offset=0 (local.get $wp) (local.get $a0))
          (v128.store offset=16 (local.get $wp) (local.get $a1))
          (v128.store offset=32 (local.get $wp) (local.get $a2))
          (v128.store offset=48 (local.get $wp) (local.get $a3))
          (local.set $co0 (i32.add (local.get $co0) (i32.const 16)))
          (br $b4Loop)))
        ;; 2 accumulator(s): output channels co0 .. co0+7
        (block $b2End (loop $b2Loop
          (br_if $b2End (i32.gt_u (i32.add (local.get $co0) (i32.const 8)) (local.get $co)))
          (local.set $wp (i32.add (local.get $dw) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $ikh) (local.get $kw)) (local.get $ikw)) (local.get $c)) (local.get $ic)) (local.get $co)) (local.get $co0)) (i32.const 2))))
          (local.set $a0 (v128.load offset=0 (local.get $wp)))
          (local.set $a1 (v128.load offset=16 (local.get $wp)))
            (local.set $ioh (i32.const 0))
            (block $h2End (loop $h2Loop
              (br_if $h2End (i32.ge_u (local.get $ioh) (local.get $oh)))
              (local.set $ih (i32.sub (i32.add (i32.mul (local.get $ioh) (local.get $s)) (local.get $ikh)) (local.get $pt)))
              (if (i32.lt_u (local.get $ih) (local.get $h)) (then
                (local.set $xp (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $in) (local.get $h)) (local.get $ih)) (local.get $w)) (local.get $iw0)) (local.get $c)) (local.get $ic)) (i32.const 2))))
                (local.set $dp (i32.add (local.get $dy) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $in) (local.get $oh)) (local.get $ioh)) (local.get $ow)) (local.get $owLo)) (local.get $co)) (local.get $co0)) (i32.const 2))))
                (local.set $cnt (i32.sub (local.get $owHi) (local.get $owLo)))
                (block $w2End (loop $w2Loop
                  (br_if $w2End (i32.le_s (local.get $cnt) (i32.const 0)))
                    (local.set $xv (v128.load32_splat (local.get $xp)))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $dp)))))
                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $dp)))))
                    (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                    (local.set $dp (i32.add (local.get $dp) (local.get $cob)))
                    (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                  (br $w2Loop)))))
              (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
              (br $h2Loop)))
          (v128.store offset=0 (local.get $wp) (local.get $a0))
          (v128.store offset=16 (local.get $wp) (local.get $a1))
          (local.set $co0 (i32.add (local.get $co0) (i32.const 8)))
          (br $b2Loop)))
        ;; 1 accumulator(s): output channels co0 .. co0+3
        (block $b1End (loop $b1Loop
          (br_if $b1End (i32.gt_u (i32.add (local.get $co0) (i32.const 4)) (local.get $co)))
          (local.set $wp (i32.add (local.get $dw) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $ikh) (local.get $kw)) (local.get $ikw)) (local.get $c)) (local.get $ic)) (local.get $co)) (local.get $co0)) (i32.const 2))))
          (local.set $a0 (v128.load offset=0 (local.get $wp)))
            (local.set $ioh (i32.const 0))
            (block $h1End (loop $h1Loop
              (br_if $h1End (i32.ge_u (local.get $ioh) (local.get $oh)))
              (local.set $ih (i32.sub (i32.add (i32.mul (local.get $ioh) (local.get $s)) (local.get $ikh)) (local.get $pt)))
              (if (i32.lt_u (local.get $ih) (local.get $h)) (then
                (local.set $xp (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $in) (local.get $h)) (local.get $ih)) (local.get $w)) (local.get $iw0)) (local.get $c)) (local.get $ic)) (i32.const 2))))
                (local.set $dp (i32.add (local.get $dy) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $in) (local.get $oh)) (local.get $ioh)) (local.get $ow)) (local.get $owLo)) (local.get $co)) (local.get $co0)) (i32.const 2))))
                (local.set $cnt (i32.sub (local.get $owHi) (local.get $owLo)))
                (block $w1End (loop $w1Loop
                  (br_if $w1End (i32.le_s (local.get $cnt) (i32.const 0)))
                    (local.set $xv (v128.load32_splat (local.get $xp)))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $dp)))))
                    (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                    (local.set $dp (i32.add (local.get $dp) (local.get $cob)))
                    (local.set $cnt (i32.sub (local.get $cnt) (i32.const 1)))
                  (br $w1Loop)))))
              (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
              (br $h1Loop)))
          (v128.store offset=0 (local.get $wp) (local.get $a0))
          (local.set $co0 (i32.add (local.get $co0) (i32.const 4)))
          (br $b1Loop)))
          (local.set $ic (i32.add (local.get $ic) (i32.const 1)))
          (br $cLoop)))
        (local.set $ikw (i32.add (local.get $ikw) (i32.const 1)))
        (br $kwLoop)))
      (local.set $ikh (i32.add (local.get $ikh) (i32.const 1)))
      (br $khLoop)))
    (local.set $in (i32.add (local.get $in) (i32.const 1)))
    (br $nLoop)))
  )

  ;; dx[n,ih,iw,c] += sum over co of dy[n,oh,ow,co] * W[kh,kw,c,co] for every (oh,ow,kh,kw) that reads (ih,iw).
  ;; dx must be zeroed by the caller; co must be a multiple of 4.
  (func (export "conv_bwd_input")
    (param $dy i32) (param $wt i32) (param $dx i32)
    (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (param $oh i32) (param $ow i32) (param $co i32)
    (param $kh i32) (param $kw i32) (param $s i32) (param $pt i32) (param $pl i32)
    (local $in i32) (local $ioh i32) (local $iow i32) (local $ikh i32) (local $ikw i32)
    (local $ih i32) (local $iw i32) (local $ic i32) (local $ico i32)
    (local $dyp i32) (local $xp i32) (local $wp i32) (local $acc v128) (local $p i32) (local $d i32)
    (local $rowStride i32) (local $imgStride i32) (local $cob i32)
    (local.set $rowStride (i32.mul (local.get $w) (i32.mul (local.get $c) (i32.const 4))))
    (local.set $imgStride (i32.mul (local.get $h) (local.get $rowStride)))
    (local.set $cob (i32.mul (local.get $co) (i32.const 4)))
    (local.set $dyp (local.get $dy))
    (local.set $in (i32.const 0))
    (block $nEnd (loop $nLoop
      (br_if $nEnd (i32.ge_u (local.get $in) (local.get $n)))
      (local.set $ioh (i32.const 0))
      (block $ohEnd (loop $ohLoop
        (br_if $ohEnd (i32.ge_u (local.get $ioh) (local.get $oh)))
        (local.set $iow (i32.const 0))
        (block $owEnd (loop $owLoop
          (br_if $owEnd (i32.ge_u (local.get $iow) (local.get $ow)))
          (local.set $ikh (i32.const 0))
          (block $khEnd (loop $khLoop
            (br_if $khEnd (i32.ge_u (local.get $ikh) (local.get $kh)))
            (local.set $ih (i32.sub (i32.add (i32.mul (local.get $ioh) (local.get $s)) (local.get $ikh)) (local.get $pt)))
            (if (i32.lt_u (local.get $ih) (local.get $h)) (then
              (local.set $ikw (i32.const 0))
              (block $kwEnd (loop $kwLoop
                (br_if $kwEnd (i32.ge_u (local.get $ikw) (local.get $kw)))
                (local.set $iw (i32.sub (i32.add (i32.mul (local.get $iow) (local.get $s)) (local.get $ikw)) (local.get $pl)))
                (if (i32.lt_u (local.get $iw) (local.get $w)) (then
                  (local.set $xp (i32.add (local.get $dx)
                    (i32.add (i32.mul (local.get $in) (local.get $imgStride))
                      (i32.add (i32.mul (local.get $ih) (local.get $rowStride))
                        (i32.mul (local.get $iw) (i32.mul (local.get $c) (i32.const 4)))))))
                  (local.set $wp (i32.add (local.get $wt)
                    (i32.mul (i32.add (i32.mul (local.get $ikh) (local.get $kw)) (local.get $ikw))
                      (i32.mul (local.get $c) (local.get $cob)))))
                  (local.set $ic (i32.const 0))
                  (block $cEnd (loop $cLoop
                    (br_if $cEnd (i32.ge_u (local.get $ic) (local.get $c)))
                    (local.set $acc (v128.const f32x4 0 0 0 0))
                    (local.set $p (local.get $wp))
                    (local.set $d (local.get $dyp))
                    (local.set $ico (i32.const 0))
                    (block $coEnd (loop $coLoop
                      (br_if $coEnd (i32.ge_u (local.get $ico) (local.get $co)))
                      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $p)) (v128.load (local.get $d)))))
                      (local.set $p (i32.add (local.get $p) (i32.const 16)))
                      (local.set $d (i32.add (local.get $d) (i32.const 16)))
                      (local.set $ico (i32.add (local.get $ico) (i32.const 4)))
                      (br $coLoop)))
                    (f32.store (local.get $xp) (f32.add (f32.load (local.get $xp))
                      (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                               (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))
                    (local.set $wp (i32.add (local.get $wp) (local.get $cob)))
                    (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                    (local.set $ic (i32.add (local.get $ic) (i32.const 1)))
                    (br $cLoop)))))
                (local.set $ikw (i32.add (local.get $ikw) (i32.const 1)))
                (br $kwLoop)))))
            (local.set $ikh (i32.add (local.get $ikh) (i32.const 1)))
            (br $khLoop)))
          (local.set $dyp (i32.add (local.get $dyp) (local.get $cob)))
          (local.set $iow (i32.add (local.get $iow) (i32.const 1)))
          (br $owLoop)))
        (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $in (i32.add (local.get $in) (i32.const 1)))
      (br $nLoop)))
  )

  ;; Max-pool gradient: each dy goes to the first maximum of its window (row-major order inside the window, as
  ;; tfjs's cpu kernel does). SIMD across channels (c multiple of 4), branch-free "first equal wins" masks.
  ;; dx must be zeroed by the caller. Windows are clipped at the borders (valid or same padding).
  (func (export "maxpool_grad")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (param $oh i32) (param $ow i32) (param $fh i32) (param $fw i32)
    (param $s i32) (param $pt i32) (param $pl i32)
    (local $in i32) (local $ioh i32) (local $iow i32) (local $ikh i32) (local $ikw i32)
    (local $ih i32) (local $iw i32) (local $ic i32) (local $off i32) (local $base i32)
    (local $mx v128) (local $found v128) (local $eq v128) (local $g v128) (local $v v128)
    (local $rowStride i32) (local $imgStride i32) (local $dyp i32) (local $addr i32)
    (local.set $rowStride (i32.mul (local.get $w) (i32.mul (local.get $c) (i32.const 4))))
    (local.set $imgStride (i32.mul (local.get $h) (local.get $rowStride)))
    (local.set $dyp (local.get $dy))
    (local.set $in (i32.const 0))
    (block $nEnd (loop $nLoop
      (br_if $nEnd (i32.ge_u (local.get $in) (local.get $n)))
      (local.set $base (i32.mul (local.get $in) (local.get $imgStride)))
      (local.set $ioh (i32.const 0))
      (block $ohEnd (loop $ohLoop
        (br_if $ohEnd (i32.ge_u (local.get $ioh) (local.get $oh)))
        (local.set $iow (i32.const 0))
        (block $owEnd (loop $owLoop
          (br_if $owEnd (i32.ge_u (local.get $iow) (local.get $ow)))
          (local.set $ic (i32.const 0))
          (block $cEnd (loop $cLoop
            (br_if $cEnd (i32.ge_u (local.get $ic) (local.get $c)))
            ;; pass 1: the window maximum per lane
            (local.set $mx (v128.const f32x4 -inf -inf -inf -inf))
            (local.set $ikh (i32.const 0))
            (block $a1 (loop $l1
              (br_if $a1 (i32.ge_u (local.get $ikh) (local.get $fh)))
              (local.set $ih (i32.sub (i32.add (i32.mul (local.get $ioh) (local.get $s)) (local.get $ikh)) (local.get $pt)))
              (if (i32.lt_u (local.get $ih) (local.get $h)) (then
                (local.set $ikw (i32.const 0))
                (block $a2 (loop $l2
                  (br_if $a2 (i32.ge_u (local.get $ikw) (local.get $fw)))
                  (local.set $iw (i32.sub (i32.add (i32.mul (local.get $iow) (local.get $s)) (local.get $ikw)) (local.get $pl)))
                  (if (i32.lt_u (local.get $iw) (local.get $w)) (then
                    (local.set $off (i32.add (local.get $base) (i32.add (i32.mul (local.get $ih) (local.get $rowStride))
                      (i32.mul (i32.add (i32.mul (local.get $iw) (local.get $c)) (local.get $ic)) (i32.const 4)))))
                    (local.set $mx (f32x4.max (local.get $mx) (v128.load (i32.add (local.get $x) (local.get $off)))))))
                  (local.set $ikw (i32.add (local.get $ikw) (i32.const 1)))
                  (br $l2)))))
              (local.set $ikh (i32.add (local.get $ikh) (i32.const 1)))
              (br $l1)))
            ;; pass 2: route dy to the first position equal to the maximum
            (local.set $g (v128.load (local.get $dyp)))
            (local.set $found (v128.const i32x4 0 0 0 0))
            (local.set $ikh (i32.const 0))
            (block $b1 (loop $m1
              (br_if $b1 (i32.ge_u (local.get $ikh) (local.get $fh)))
              (local.set $ih (i32.sub (i32.add (i32.mul (local.get $ioh) (local.get $s)) (local.get $ikh)) (local.get $pt)))
              (if (i32.lt_u (local.get $ih) (local.get $h)) (then
                (local.set $ikw (i32.const 0))
                (block $b2 (loop $m2
                  (br_if $b2 (i32.ge_u (local.get $ikw) (local.get $fw)))
                  (local.set $iw (i32.sub (i32.add (i32.mul (local.get $iow) (local.get $s)) (local.get $ikw)) (local.get $pl)))
                  (if (i32.lt_u (local.get $iw) (local.get $w)) (then
                    (local.set $off (i32.add (local.get $base) (i32.add (i32.mul (local.get $ih) (local.get $rowStride))
                      (i32.mul (i32.add (i32.mul (local.get $iw) (local.get $c)) (local.get $ic)) (i32.const 4)))))
                    (local.set $eq (v128.andnot (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $off))) (local.get $mx)) (local.get $found)))
                    (local.set $found (v128.or (local.get $found) (local.get $eq)))
                    (local.set $addr (i32.add (local.get $dx) (local.get $off)))
                    (v128.store (local.get $addr) (f32x4.add (v128.load (local.get $addr)) (v128.and (local.get $g) (local.get $eq))))))
                  (local.set $ikw (i32.add (local.get $ikw) (i32.const 1)))
                  (br $m2)))))
              (local.set $ikh (i32.add (local.get $ikh) (i32.const 1)))
              (br $m1)))
            (local.set $dyp (i32.add (local.get $dyp) (i32.const 16)))
            (local.set $ic (i32.add (local.get $ic) (i32.const 4)))
            (br $cLoop)))
          (local.set $iow (i32.add (local.get $iow) (i32.const 1)))
          (br $owLoop)))
        (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $in (i32.add (local.get $in) (i32.const 1)))
      (br $nLoop)))
  )
;; Backward of "bias + activation" for a (rows, cols) matrix: dpre = dy (linear) or dy where y > 0 (relu),
  ;; db[c] = sum over rows of dpre[r, c], accumulated in row order. cols must be a multiple of 4; db is zeroed here.
  (func (export "bias_act_grad")
    (param $dy i32) (param $y i32) (param $dpre i32) (param $db i32) (param $rows i32) (param $cols i32) (param $relu i32)
    (local $r i32) (local $c i32) (local $g v128) (local $cb i32) (local $o i32)
    (local.set $cb (i32.mul (local.get $cols) (i32.const 4)))
    (local.set $c (i32.const 0))
    (block $zEnd (loop $zLoop
      (br_if $zEnd (i32.ge_u (local.get $c) (local.get $cb)))
      (v128.store (i32.add (local.get $db) (local.get $c)) (v128.const i32x4 0 0 0 0))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (br $zLoop)))
    (local.set $o (i32.const 0))
    (local.set $r (i32.const 0))
    (block $rEnd (loop $rLoop
      (br_if $rEnd (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $cEnd (loop $cLoop
        (br_if $cEnd (i32.ge_u (local.get $c) (local.get $cb)))
        (local.set $g (v128.load (i32.add (local.get $dy) (local.get $o))))
        (if (local.get $relu) (then
          (local.set $g (v128.and (local.get $g)
            (f32x4.gt (v128.load (i32.add (local.get $y) (local.get $o))) (v128.const f32x4 0 0 0 0))))))
        (v128.store (i32.add (local.get $dpre) (local.get $o)) (local.get $g))
        (v128.store (i32.add (local.get $db) (local.get $c))
          (f32x4.add (v128.load (i32.add (local.get $db) (local.get $c))) (local.get $g)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rLoop)))
  )
)
