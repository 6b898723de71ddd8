export {
  type ImageQualityConfig,
  imageQualityCheck,
  imageQualityConfigSchema,
} from './image-quality-check.ts';
export { exposure, laplacianVariance } from './measure.ts';
