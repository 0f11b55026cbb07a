export type { Interpolation, Schedule, ScheduleKnot, ScheduleTime } from './schedule.ts';
export { formatSchedule, parseSchedule, scheduleValue } from './schedule.ts';
