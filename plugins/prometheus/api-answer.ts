// The Prometheus HTTP API's answer to /api/v1/query and /api/v1/query_range (also served by
// Thanos, VictoriaMetrics, Mimir), as zod schemas: what crosses the wire is checked, not assumed.
// https://prometheus.io/docs/prometheus/latest/querying/api/#expression-query-result-formats
import { z } from 'zod';

/** [unix seconds, "value"]: values are strings ("NaN", "+Inf" included). */
const SampleSchema = z.tuple([z.number(), z.string()]);
const LabelsSchema = z.record(z.string(), z.string());

const DataSchema = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: LabelsSchema, value: SampleSchema })) }),
  z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: LabelsSchema, values: z.array(SampleSchema) })) }),
  z.object({ resultType: z.literal('scalar'), result: SampleSchema }),
  z.object({ resultType: z.literal('string'), result: SampleSchema }),
]);

export const QueryAnswerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('success'), data: DataSchema, warnings: z.array(z.string()).optional() }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

export type QueryAnswer = z.infer<typeof QueryAnswerSchema>;
export type QueryData = z.infer<typeof DataSchema>;
