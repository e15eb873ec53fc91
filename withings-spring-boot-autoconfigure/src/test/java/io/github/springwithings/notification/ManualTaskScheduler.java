package io.github.springwithings.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;

/**
 * A {@link TaskScheduler} that runs nothing by itself: a test runs what is due on its clock,
 * on the test's thread, with {@link #runDue()}.
 */
final class ManualTaskScheduler implements TaskScheduler {

	private final Clock clock;

	private final List<Task> tasks = new ArrayList<>();

	ManualTaskScheduler(Clock clock) {
		this.clock = clock;
	}

	@Override
	public synchronized ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
		Task scheduled = new Task(task, startTime);
		this.tasks.add(scheduled);
		return scheduled;
	}

	/** Run every task due now, including those they schedule due now; how many ran. */
	int runDue() {
		int ran = 0;
		for (Task next = nextDue(); next != null; next = nextDue()) {
			next.run();
			ran++;
		}
		return ran;
	}

	/** The start times of the tasks not run nor cancelled, in order. */
	synchronized List<Instant> scheduled() {
		return this.tasks.stream().filter((task) -> !task.isDone()).map((task) -> task.at).sorted().toList();
	}

	private synchronized Task nextDue() {
		Instant now = this.clock.instant();
		Task due = this.tasks.stream()
			.filter((task) -> !task.isDone() && !task.at.isAfter(now))
			.min(Comparator.comparing((Task task) -> task.at))
			.orElse(null);
		if (due != null) {
			this.tasks.remove(due);
		}
		return due;
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant startTime, Duration delay) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
		throw new UnsupportedOperationException();
	}

	private final class Task extends FutureTask<Void> implements ScheduledFuture<Void> {

		private final Instant at;

		Task(Runnable runnable, Instant at) {
			super(runnable, null);
			this.at = at;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(Duration.between(ManualTaskScheduler.this.clock.instant(), this.at));
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

	}

}
