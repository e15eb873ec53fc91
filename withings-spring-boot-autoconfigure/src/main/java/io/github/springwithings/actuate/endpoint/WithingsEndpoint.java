package io.github.springwithings.actuate.endpoint;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.springwithings.actuate.WithingsReachability;
import io.github.springwithings.actuate.WithingsStatistics;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.util.Assert;

/**
 * The {@code withings} endpoint, read-only: linked users per registration by refresh-token age
 * (how many are close to the one-year limit), refreshes in doubt, the keep-alive's last and next
 * sweep, the rate budget's use and 601s in the last hour, notification subscriptions and the last
 * callback, and whether Withings answers ({@code withings}: UP, DOWN or UNKNOWN, the error kind and
 * when it was checked; a read never waits for Withings). Counts and times only: never a token, a secret, a principal name or a Withings user
 * id. Like Boot's own endpoints other than {@code health}, it is exposed only when
 * {@code management.endpoints.web.exposure.include} names it.
 *
 * <p>Each read counts the users of each registration with one aggregate query of the store.
 */
@Endpoint(id = "withings")
public final class WithingsEndpoint {

	private final WithingsStatistics statistics;

	/**
	 * @param statistics where the counts are read
	 */
	public WithingsEndpoint(WithingsStatistics statistics) {
		Assert.notNull(statistics, "statistics cannot be null");
		this.statistics = statistics;
	}

	/**
	 * What the starter does now.
	 * @return the counts
	 */
	@ReadOperation
	public WithingsDescriptor withings() {
		return new WithingsDescriptor(this.statistics.reachability(), this.statistics.registrations(),
				this.statistics.keepAlive(), this.statistics.rateBudget(), this.statistics.notifications());
	}

	/**
	 * The endpoint's answer.
	 *
	 * @param withings whether Withings answers, {@code null} without a reachability probe
	 * @param registrations linked users by registration id
	 * @param keepAlive the keep-alive's sweeps, {@code null} when it is off
	 * @param rateBudget the rate budget's use, {@code null} without a budget
	 * @param notifications subscriptions and callbacks, {@code null} when notifications are off
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record WithingsDescriptor(WithingsReachability.Reachability withings,
			Map<String, WithingsStatistics.Registration> registrations,
			WithingsStatistics.KeepAlive keepAlive, WithingsStatistics.RateBudget rateBudget,
			WithingsStatistics.Notifications notifications) implements OperationResponseBody {
	}

}
