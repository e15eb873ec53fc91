package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import io.github.springwithings.oauth2.client.WithingsKeepAlive;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Runs {@link WithingsKeepAlive#sweep()} on its own thread, first one interval after start-up,
 * then one interval after each sweep ends.
 */
final class WithingsKeepAliveScheduler implements SmartLifecycle {

	private final WithingsKeepAlive keepAlive;

	private final Duration interval;

	private ThreadPoolTaskScheduler scheduler;

	private ScheduledFuture<?> schedule;

	WithingsKeepAliveScheduler(WithingsKeepAlive keepAlive, Duration interval) {
		this.keepAlive = keepAlive;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		this.scheduler = new ThreadPoolTaskScheduler();
		this.scheduler.setThreadNamePrefix("withings-keep-alive-");
		this.scheduler.setPoolSize(1);
		this.scheduler.initialize();
		this.schedule = this.scheduler.scheduleWithFixedDelay(this.keepAlive::sweep, Instant.now().plus(this.interval),
				this.interval);
	}

	@Override
	public synchronized void stop() {
		if (this.schedule != null) {
			this.schedule.cancel(true);
			this.scheduler.shutdown();
			this.schedule = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.schedule != null;
	}

}
