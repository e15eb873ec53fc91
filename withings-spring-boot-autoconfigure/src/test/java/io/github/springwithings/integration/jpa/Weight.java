package io.github.springwithings.integration.jpa;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/** One weighing of a Withings user, as the application keeps it. */
@Entity
@Table(uniqueConstraints = @UniqueConstraint(columnNames = { "withingsUserId", "measuredAt" }))
public class Weight {

	@Id
	@GeneratedValue
	private Long id;

	private String withingsUserId;

	private Instant measuredAt;

	private BigDecimal kilograms;

	protected Weight() {
	}

	Weight(String withingsUserId, Instant measuredAt, BigDecimal kilograms) {
		this.withingsUserId = withingsUserId;
		this.measuredAt = measuredAt;
		this.kilograms = kilograms;
	}

	public String getWithingsUserId() {
		return this.withingsUserId;
	}

	public Instant getMeasuredAt() {
		return this.measuredAt;
	}

	public BigDecimal getKilograms() {
		return this.kilograms;
	}

}
