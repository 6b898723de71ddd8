export {
  createFaceDuplicatesCheck,
  type FaceDuplicatesConfig,
  faceDuplicatesCheck,
  faceDuplicatesConfigSchema,
} from './face-duplicates-check.ts';
