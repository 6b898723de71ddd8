import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FivePoints, Point } from './align.ts';
import { BiometricsError } from './errors.ts';
import type { RgbImage } from './image.ts';
import type { Box, DetectedFace, FaceDetector } from './models.ts';

const require = createRequire(import.meta.url);

// Only the parts of Human's API this module uses (its published types do not resolve under NodeNext).
interface HumanFace {
  box: [number, number, number, number];
  boxScore: number;
  score: number;
  mesh: [number, number, number?][];
  age?: number;
  real?: number;
  live?: number;
}
interface HumanLike {
  load(): Promise<void>;
  detect(input: unknown): Promise<{ face: HumanFace[]; error?: string | null }>;
  tf: {
    tensor4d(data: Int32Array, shape: [number, number, number, number], dtype: 'int32'): { dispose(): void };
  };
}

export interface HumanDetectorOptions {
  /** At most this many faces are reported (more are still a "multiple faces" case). */
  maxFaces: number;
  /** Detector confidence below which a candidate is dropped. */
  minConfidence: number;
  /** Run Human's faceres model for the age estimate (about 20 ms a face). */
  age: boolean;
  /** Also run Human's tiny `antispoof` and `liveness` models (reported in `signals`; measured weak). */
  humanPad: boolean;
}

export const DEFAULT_HUMAN_OPTIONS: HumanDetectorOptions = {
  maxFaces: 5,
  minConfidence: 0.3,
  age: true,
  humanPad: false,
};

/** Absolute folder of Human's models as shipped in its npm tarball. */
function humanModelDir(): string {
  // `@vladmandic/human` resolves (condition "node") to dist/human.node.js; models sit beside dist/.
  return path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');
}

let fetchShimInstalled = false;
/**
 * tfjs fetches `file://` model URLs; Node's fetch does not implement that scheme, so the files
 * are read from disk instead. Only `file:` URLs inside Human's model folder are intercepted.
 */
function installFileFetch(modelDir: string): void {
  if (fetchShimInstalled) return;
  fetchShimInstalled = true;
  const prefix = pathToFileURL(modelDir).href;
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(prefix)) return new Response(await readFile(fileURLToPath(url)));
    return original(input, init);
  };
}

// MediaPipe face-mesh indices (image order once the face is upright).
const EYE_A = [33, 133] as const;
const EYE_B = [362, 263] as const;
const NOSE_TIP = 1;
const MOUTH_A = 61;
const MOUTH_B = 291;

function meshPoint(mesh: HumanFace['mesh'], i: number): Point {
  const p = mesh[i];
  if (!p) throw new BiometricsError('MODEL_ERROR', `face mesh has no point ${i}`);
  return [p[0], p[1]];
}

function mid(a: Point, b: Point): Point {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

/** Eye centres, nose tip and mouth corners from the 468-point mesh, ordered left/right as they appear. */
export function fivePointsFromMesh(mesh: HumanFace['mesh']): FivePoints {
  let eye1 = mid(meshPoint(mesh, EYE_A[0]), meshPoint(mesh, EYE_A[1]));
  let eye2 = mid(meshPoint(mesh, EYE_B[0]), meshPoint(mesh, EYE_B[1]));
  let mouth1 = meshPoint(mesh, MOUTH_A);
  let mouth2 = meshPoint(mesh, MOUTH_B);
  // The mesh's sides are the subject's; the template's are the image's. In a mirrored photo they differ,
  // which flips the turn from eye to eye to mouth (a rotation, however large, keeps it).
  const mouth = mid(mouth1, mouth2);
  const turn = (eye2[0] - eye1[0]) * (mouth[1] - eye1[1]) - (eye2[1] - eye1[1]) * (mouth[0] - eye1[0]);
  if (turn < 0) {
    [eye1, eye2] = [eye2, eye1];
    [mouth1, mouth2] = [mouth2, mouth1];
  }
  return [eye1, eye2, meshPoint(mesh, NOSE_TIP), mouth1, mouth2];
}

/**
 * Human's BlazeFace detector and MediaPipe face mesh on the tfjs WASM backend (one core, no native
 * TensorFlow). Human keeps state between calls, so calls are serialised.
 */
export class HumanFaceDetector implements FaceDetector {
  readonly name = 'human-3.3.6 blazeface+facemesh';
  readonly #human: HumanLike;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(human: HumanLike) {
    this.#human = human;
  }

  static async load(options: HumanDetectorOptions = DEFAULT_HUMAN_OPTIONS): Promise<HumanFaceDetector> {
    const modelDir = humanModelDir();
    installFileFetch(modelDir);
    // The node-wasm build is not in Human's `exports` map, so it is required by path.
    const humanFile = path.join(path.dirname(require.resolve('@vladmandic/human')), 'human.node-wasm.js');
    const { Human } = require(humanFile) as { Human: new (config: unknown) => HumanLike };
    const wasmDir = `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
    const human = new Human({
      backend: 'wasm',
      wasmPath: wasmDir,
      modelBasePath: `${pathToFileURL(modelDir).href}/`,
      debug: false,
      warmup: 'none',
      // Each image is independent: no frame-to-frame caching of boxes or results.
      cacheSensitivity: 0,
      filter: { enabled: false },
      gesture: { enabled: false },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      segmentation: { enabled: false },
      face: {
        enabled: true,
        detector: {
          rotation: true,
          maxDetected: options.maxFaces,
          minConfidence: options.minConfidence,
          skipFrames: 0,
          skipTime: 0,
          return: false,
        },
        mesh: { enabled: true },
        iris: { enabled: false },
        attention: { enabled: false },
        description: { enabled: options.age, skipFrames: 0, skipTime: 0 },
        emotion: { enabled: false },
        antispoof: { enabled: options.humanPad, skipFrames: 0, skipTime: 0 },
        liveness: { enabled: options.humanPad, skipFrames: 0, skipTime: 0 },
      },
    });
    try {
      await human.load();
    } catch (cause) {
      throw new BiometricsError('MODEL_ERROR', 'Human face models failed to load', { cause });
    }
    return new HumanFaceDetector(human);
  }

  detect(image: RgbImage): Promise<DetectedFace[]> {
    const run = this.#queue.then(() => this.#detect(image));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #detect(image: RgbImage): Promise<DetectedFace[]> {
    const tensor = this.#human.tf.tensor4d(
      Int32Array.from(image.data),
      [1, image.height, image.width, 3],
      'int32',
    );
    try {
      const result = await this.#human.detect(tensor);
      if (result.error) throw new BiometricsError('MODEL_ERROR', `face detection failed: ${result.error}`);
      const faces: DetectedFace[] = [];
      for (const f of result.face) {
        if (!f.mesh || f.mesh.length < 468) continue;
        const [x, y, width, height] = f.box;
        const box: Box = { x, y, width, height };
        const face: DetectedFace = {
          box,
          score: f.boxScore ?? f.score,
          landmarks: fivePointsFromMesh(f.mesh),
        };
        if (typeof f.age === 'number' && Number.isFinite(f.age) && f.age > 0) face.age = f.age;
        if (typeof f.real === 'number' || typeof f.live === 'number') {
          face.signals = {};
          if (typeof f.real === 'number') face.signals['human.antispoof'] = f.real;
          if (typeof f.live === 'number') face.signals['human.liveness'] = f.live;
        }
        faces.push(face);
      }
      return faces;
    } finally {
      tensor.dispose();
    }
  }
}
