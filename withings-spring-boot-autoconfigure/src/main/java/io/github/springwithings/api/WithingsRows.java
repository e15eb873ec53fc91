package io.github.springwithings.api;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

import org.springframework.util.Assert;

/**
 * The rows of a paged typed call ({@code getActivity}, {@code getSleepSummaries},
 * {@code getWorkouts}, {@code getHeartRecordings}, {@code getDevices}): every row of every page,
 * in Withings' order, as an unmodifiable {@code List}, and whether they are all the rows Withings
 * has ({@link #isComplete()}).
 * <p>
 * An answer is incomplete when Withings says {@code more} but gives an {@code offset} that does
 * not move past the one asked for (or none), or still says {@code more} after
 * {@link WithingsApi#MAX_PAGES} pages: the rows received are returned, never discarded, a
 * {@code WARN} is logged and the {@code withings.api.pages} observation counts it (the
 * {@code withings.api.pages.incomplete} counter, tagged {@code action}, with Micrometer's meter
 * handler). Ask again later or for a shorter period for the rest.
 * <p>
 * Rows are kept as Withings sent them, duplicates included (a workout id or a night's date may
 * come twice in one page): a store upserts by the natural key ({@code id} for workouts and sleep
 * summaries, {@code date} for activity days, the ECG {@code signalId}).
 *
 * @param <T> the row type
 */
public final class WithingsRows<T> extends AbstractList<T> implements RandomAccess {

	private final List<T> rows;

	private final boolean complete;

	/**
	 * @param rows the rows, in order
	 * @param complete whether they are every row Withings has for the call
	 */
	public WithingsRows(List<T> rows, boolean complete) {
		Assert.notNull(rows, "rows cannot be null");
		this.rows = List.copyOf(rows);
		this.complete = complete;
	}

	/**
	 * Whether these are every row Withings has for the call: {@code false} when Withings' paging
	 * could not be followed to its end (see the class description).
	 * @return {@code true} when every page was read
	 */
	public boolean isComplete() {
		return this.complete;
	}

	@Override
	public T get(int index) {
		return this.rows.get(index);
	}

	@Override
	public int size() {
		return this.rows.size();
	}

}
