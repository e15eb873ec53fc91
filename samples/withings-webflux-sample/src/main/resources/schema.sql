CREATE TABLE IF NOT EXISTS sample_measurement (
	principal_name varchar(200) NOT NULL,
	group_id bigint NOT NULL,
	measured_at timestamp with time zone NOT NULL,
	kilograms decimal(8, 3) NOT NULL,
	PRIMARY KEY (principal_name, group_id)
);
