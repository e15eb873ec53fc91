package io.github.springwithings.integration.jpa;

import java.time.Instant;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface WeightRepository extends JpaRepository<Weight, Long> {

	@Query("select max(w.measuredAt) from Weight w where w.withingsUserId = ?1")
	Optional<Instant> lastMeasuredAt(String withingsUserId);

	boolean existsByWithingsUserIdAndMeasuredAt(String withingsUserId, Instant measuredAt);

	long countByWithingsUserId(String withingsUserId);

	long countByWithingsUserIdAndMeasuredAtLessThanEqual(String withingsUserId, Instant measuredAt);

	long deleteByWithingsUserId(String withingsUserId);

}
