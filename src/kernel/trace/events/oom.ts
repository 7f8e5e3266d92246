// include/trace/events/oom.h, Linux 5.0.

import { tracepoint } from '../tracepoint.js';

export const mark_victim = tracepoint('oom', 'mark_victim', 'mark_victim', 'int pid', 'pid=%d');
export const wake_reaper = tracepoint('oom', 'wake_reaper', 'wake_reaper', 'int pid', 'pid=%d');
export const start_task_reaping = tracepoint('oom', 'start_task_reaping', 'start_task_reaping', 'int pid', 'pid=%d');
export const finish_task_reaping = tracepoint('oom', 'finish_task_reaping', 'finish_task_reaping', 'int pid', 'pid=%d');
