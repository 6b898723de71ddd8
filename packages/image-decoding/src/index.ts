export {
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  decodeImage,
  ImageDecodeError,
  toGreyscale,
} from './decode.ts';
export { type MediaKind, type SniffedType, sniffMediaType } from './sniff.ts';
