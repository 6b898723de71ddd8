export {
  createVelocityCheck,
  type VelocityConfig,
  velocityCheck,
  velocityConfigSchema,
} from './velocity-check.ts';
