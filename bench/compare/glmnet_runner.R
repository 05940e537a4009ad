# Times glmnet fits for the comparison suite (bench/compare/peers.py writes the inputs).
# Usage: Rscript glmnet_runner.R DIR   (DIR holds X.mtx, y.txt, settings.json; gets time_k.txt
# and coef_k.txt for every threshold k). One warm-up fit is excluded from the timings; a fit
# shorter than short_run seconds is repeated, repeats fits in all, one shorter than medium_run
# seconds medium_repeats fits in all, and the median counts (as peers.py does for the other
# solvers).
suppressPackageStartupMessages({
  library(Matrix)
  library(glmnet)
})
dir <- commandArgs(trailingOnly = TRUE)[1]
text <- paste(readLines(file.path(dir, "settings.json")), collapse = "")
field <- function(name) sub(paste0('.*"', name, '": *([^,}]*).*'), "\\1", text)
family <- gsub('"', "", field("family"))
alpha <- as.numeric(field("alpha"))
lambda <- as.numeric(field("lambda"))
dense <- field("dense") == "true"
budget <- as.numeric(field("budget"))
short_run <- as.numeric(field("short_run"))
repeats <- as.numeric(field("repeats"))
medium_run <- as.numeric(field("medium_run"))
medium_repeats <- as.numeric(field("medium_repeats"))
runs_for <- function(first) if (first < short_run) repeats else if (first < medium_run) medium_repeats else 1
thresholds <- as.numeric(strsplit(sub('.*"thresholds": *\\[([^]]*)\\].*', "\\1", text), ",")[[1]])
X <- as(readMM(file.path(dir, "X.mtx")), "CsparseMatrix")
if (dense) X <- as.matrix(X)
y <- scan(file.path(dir, "y.txt"), quiet = TRUE)
if (family == "binomial") y <- factor(y)
if (family == "multinomial") y <- factor(y, levels = sort(unique(y)))
fit_once <- function(thresh) {
  glmnet(X, y, family = family, alpha = alpha, lambda = lambda, intercept = FALSE, standardize = FALSE,
         thresh = thresh, maxit = 1e5)
}
invisible(fit_once(thresholds[1]))
for (k in seq_along(thresholds)) {
  times <- system.time(fit <- fit_once(thresholds[k]))[["elapsed"]]
  while (length(times) < runs_for(times[1]))
    times <- c(times, system.time(fit <- fit_once(thresholds[k]))[["elapsed"]])
  elapsed <- median(times)
  writeLines(format(elapsed, digits = 17), file.path(dir, sprintf("time_%d.txt", k - 1)))
  if (family == "multinomial") {
    coefs <- sapply(coef(fit), function(b) as.numeric(b)[-1])
  } else {
    coefs <- as.numeric(coef(fit))[-1]
  }
  write.table(coefs, file.path(dir, sprintf("coef_%d.txt", k - 1)), row.names = FALSE, col.names = FALSE)
  if (elapsed > budget) break  # the sweep stops after the first run over the budget
}
