# Times glmnet's own regularisation path for the comparison suite (compare.py --path).
# Usage: Rscript glmnet_path.R DIR   (DIR holds X.mtx, y.txt, lambda.txt, thresholds.txt and
# settings.txt: family, alpha, dense, budget, one a line; gets time_k.txt and coef_k.txt,
# features x lambdas, per threshold k, until the first fit longer than the budget).
suppressPackageStartupMessages({
  library(Matrix)
  library(glmnet)
})
dir <- commandArgs(trailingOnly = TRUE)[1]
settings <- readLines(file.path(dir, "settings.txt"))
family <- settings[1]
alpha <- as.numeric(settings[2])
budget <- as.numeric(settings[4])
X <- as(readMM(file.path(dir, "X.mtx")), "CsparseMatrix")
if (settings[3] == "true") X <- as.matrix(X)
y <- scan(file.path(dir, "y.txt"), quiet = TRUE)
if (family == "binomial") y <- factor(y)
lambda <- scan(file.path(dir, "lambda.txt"), quiet = TRUE)
thresholds <- scan(file.path(dir, "thresholds.txt"), quiet = TRUE)
# Every point of the grid is solved (by default glmnet ends a path early where the deviance
# explained stops changing, leaving the other solvers' last points without a counterpart).
glmnet.control(fdev = 0, devmax = 1)
fit_once <- function(thresh) {
  glmnet(X, y, family = family, alpha = alpha, lambda = lambda, intercept = FALSE, standardize = FALSE,
         thresh = thresh, maxit = 1e7)
}
invisible(fit_once(thresholds[1]))
for (k in seq_along(thresholds)) {
  elapsed <- system.time(fit <- fit_once(thresholds[k]))[["elapsed"]]
  writeLines(format(elapsed, digits = 17), file.path(dir, sprintf("time_%d.txt", k - 1)))
  write.table(as.matrix(fit$beta), file.path(dir, sprintf("coef_%d.txt", k - 1)), row.names = FALSE,
              col.names = FALSE)
  if (elapsed > budget) break
}
