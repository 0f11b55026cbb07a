export type { AffinitySets, AffinityBitmaps } from './affinity.ts';
export {
  parseAffinitySets,
  formatAffinitySets,
  affinitySetsToJson,
  validateAffinitySets,
  makeAffinitySets,
  affinityBitmaps,
  setHasClass,
} from './affinity.ts';
export type { CertGuarantee, ResolvedGuarantee } from './guarantee.ts';
export { resolveGuarantee, toCertGuarantee, fromCertGuarantee } from './guarantee.ts';
export type { CertifyInput, CertifyOutput } from './certify.ts';
export type { ErrorBound } from './input.ts';
export { errorAt } from './input.ts';
export { certify, certifiedSet } from './certify.ts';
export type { RadiusInput } from './radius.ts';
export { certifiedRadius, labelRadius } from './radius.ts';
export { vraCurve, confusionMatrix } from './metrics.ts';
export { selectTopK } from './top-k.ts';
export type {
  CertificationData,
  CertificationSession,
  CertificationAt,
  CertificationMetrics,
  CertificationSummary,
  VraVsEpsilon,
  KExplanation,
  PointExplanation,
} from './session.ts';
export { prepareCertification } from './session.ts';
export type { Term, MetricKey, EstimateKey } from './vocabulary.ts';
export { METRIC_TERMS, GLOSSARY, ESTIMATE_TERMS, estimateLabel } from './vocabulary.ts';
export type { PointRecord } from './point-table.ts';
export { pointRecords, pointsCsv, infinityAsString } from './point-table.ts';
export { POINT_TERMS } from './vocabulary.ts';
export type { CertClaim, ClaimErrorBounds } from './claim.ts';
export {
  CERT_CLAIMS,
  CLAIM_TERMS,
  DEFAULT_CLAIM,
  isCertClaim,
  parseClaim,
  standInNote,
  underClaim,
} from './claim.ts';
