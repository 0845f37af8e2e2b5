// @topickd/queue — TopicKD across machines: jobs on BullMQ + Redis, workers, run status.
export { JobQueue, JobsFailedError, QUEUE_NAME, type OpenOptions, type FlowRunOptions, type FlowSpec, type JobSpec, type QueueStatus, type RunOptions } from './job-queue.js';
export { startWorker, type ChildOutcomes, type JobHandler, type JobInfo, type RunningWorker, type StagedJobHandler, type WorkerOptions } from './queue-worker.js';
export { maskRedisUrl, queueUrl, redisConnection, redisSecrets, type RedisConnection } from './redis-url.js';
export { ConnectionWatch, QueueTimeoutError, type ConnectionWatchOptions } from './connection-watch.js';
