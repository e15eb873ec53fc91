package io.github.springwithings.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Runs periodic Withings work (the keep-alive sweep, the follow-up of refreshes in doubt) on a
 * thread of its own: first shortly after start-up, then a period after each run ends. Stopping
 * never interrupts a run in the middle of a refresh: the work is asked, between two clients,
 * whether to carry on, and the stop waits for it (bounded).
 */
final class WithingsSchedule implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WithingsSchedule.class);

	private final String name;

	private final Consumer<BooleanSupplier> work;

	private final Duration initialDelay;

	private final Duration period;

	private volatile boolean running;

	private ThreadPoolTaskScheduler scheduler;

	private ScheduledFuture<?> schedule;

	/**
	 * @param name the thread name prefix
	 * @param work the work; it gets a supplier saying whether to carry on
	 * @param initialDelay the delay before the first run
	 * @param period the delay between the end of a run and the start of the next
	 */
	WithingsSchedule(String name, Consumer<BooleanSupplier> work, Duration initialDelay, Duration period) {
		this.name = name;
		this.work = work;
		this.initialDelay = initialDelay;
		this.period = period;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		this.scheduler = new ThreadPoolTaskScheduler();
		this.scheduler.setThreadNamePrefix(this.name + "-");
		this.scheduler.setPoolSize(1);
		this.scheduler.setWaitForTasksToCompleteOnShutdown(true);
		this.scheduler.setAwaitTerminationSeconds(30);
		this.scheduler.initialize();
		this.schedule = this.scheduler.scheduleWithFixedDelay(this::run, Instant.now().plus(this.initialDelay),
				this.period);
	}

	private void run() {
		try {
			this.work.accept(() -> this.running);
		}
		catch (RuntimeException ex) {
			logger.warn(this.name + " failed (" + ex.getClass().getSimpleName() + "); next run in " + this.period, ex);
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.schedule != null) {
			this.schedule.cancel(false);
			this.scheduler.shutdown();
			this.schedule = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
