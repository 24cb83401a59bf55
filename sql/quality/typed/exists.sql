-- Which of the given typed tables ($1, qualified names) exist.
SELECT
  name
FROM
  unnest($1::text[]) AS t (name)
WHERE
  to_regclass(name) IS NOT NULL
