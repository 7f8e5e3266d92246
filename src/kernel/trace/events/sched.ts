// include/trace/events/sched.h, Linux 5.0.

import { tracepoint } from '../tracepoint.js';

export const sched_switch = tracepoint(
  'sched',
  'sched_switch',
  'sched_switch',
  'char prev_comm[16]; pid_t prev_pid; int prev_prio; long prev_state; char next_comm[16]; pid_t next_pid; int next_prio',
  'prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d',
);

export const sched_process_fork = tracepoint(
  'sched',
  'sched_process_fork',
  'sched_process_fork',
  'char parent_comm[16]; pid_t parent_pid; char child_comm[16]; pid_t child_pid',
  'comm=%s pid=%d child_comm=%s child_pid=%d',
);

export const sched_process_exit = tracepoint(
  'sched',
  'sched_process_exit',
  'sched_process_template',
  'char comm[16]; pid_t pid; int prio',
  'comm=%s pid=%d prio=%d',
);

export const sched_process_exec = tracepoint(
  'sched',
  'sched_process_exec',
  'sched_process_exec',
  '__data_loc char[] filename; pid_t pid; pid_t old_pid',
  'filename=%s pid=%d old_pid=%d',
);

export const sched_wakeup = tracepoint(
  'sched',
  'sched_wakeup',
  'sched_wakeup_template',
  'char comm[16]; pid_t pid; int prio; int success; int target_cpu',
  'comm=%s pid=%d prio=%d target_cpu=%03d',
);
