-- The next batch of customer_phone_pairs (phone_e164_pairs.sql). {{batch}}: rows per fetch.
FETCH FORWARD {{batch}}
FROM
  customer_phone_pairs
