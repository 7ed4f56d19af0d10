/** The keys of a Ray 2.58 `JobDetails` body, in the order a real head sends them. */
export const RAY_JOB_DETAILS_KEYS: readonly string[] = [
  'type',
  'job_id',
  'submission_id',
  'driver_info',
  'status',
  'entrypoint',
  'message',
  'error_type',
  'start_time',
  'end_time',
  'metadata',
  'runtime_env',
  'driver_agent_http_address',
  'driver_node_id',
  'driver_exit_code',
];
