import { z } from 'zod';

/** An ISO-8601 duration such as "P3W", "P7D" or "PT24H". */
export const isoDurationSchema = z.string().regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, 'an ISO-8601 duration, e.g. P3W or PT24H');
